import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** The app's tracer, and how to send what is still buffered before the process exits. */
export interface AppTracing {
  tracer: Tracer;
  /** Exports the spans still in the batch, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Spans exported over OTLP/HTTP (JSON) in batches; the exporter reads the endpoint, headers,
 * timeout and compression from the `OTEL_EXPORTER_OTLP_*` variables. The AsyncLocalStorage
 * context manager is what lets a turn's span find the request's span as its parent.
 */
export function startTracing(options: { serviceName: string }): AppTracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  return {
    tracer: provider.getTracer('@uaip/reference-app'),
    shutdown: () => provider.shutdown(),
  };
}
