import { describe, expect, it } from 'vitest';
import { createSseParser, type SseMessage } from './sse';

function parse(chunks: string[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = createSseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.feed(chunk);
  return messages;
}

describe('createSseParser', () => {
  it('reads event, id and data, skipping comments', () => {
    expect(
      parse([': connected\n\nevent: turn.started\nid: 3\ndata: {"a":1}\n\n: ping\n\n']),
    ).toEqual([{ event: 'turn.started', id: '3', data: '{"a":1}' }]);
  });

  it('joins multi-line data and defaults the event type to message', () => {
    expect(parse(['data: one\ndata:two\n\n'])).toEqual([
      { event: 'message', id: '', data: 'one\ntwo' },
    ]);
  });

  it('gives the same result whatever the chunking, CRLF split across chunks included', () => {
    const text = 'event: a\r\nid: 1\r\ndata: x\r\n\r\nevent: b\rdata: y\r\r\n';
    const whole = parse([text]);
    expect(whole).toEqual([
      { event: 'a', id: '1', data: 'x' },
      { event: 'b', id: '1', data: 'y' },
    ]);
    for (let size = 1; size < 8; size++) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(parse(chunks)).toEqual(whole);
    }
  });

  it('waits for the blank line before dispatching', () => {
    expect(parse(['data: incomplete\n'])).toEqual([]);
  });
});
