export type { ErrorCode, ErrorDetail, UaipErrorOptions } from './errors';
export { ERROR_CODES, UaipError } from './errors';
