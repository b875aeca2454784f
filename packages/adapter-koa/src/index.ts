export type { ErrorBody, ErrorResponse } from './error-response';
export { STATUS_BY_CODE, toErrorResponse } from './error-response';
