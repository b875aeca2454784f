export type { AnswerReply, SessionPage, UaipBackend, WorkflowInfo } from './backend';
export { embeddedBackend } from './embedded-backend';
export type { UaipMcpEndpoint, UaipMcpEndpointOptions } from './http-endpoint';
export { createUaipMcpEndpoint, LOCALHOST_HOSTNAMES } from './http-endpoint';
export type { RemoteBackendOptions } from './remote-backend';
export { remoteBackend, UaipUnreachableError } from './remote-backend';
export type { UaipMcpServerOptions } from './server';
export { createUaipMcpServer, UAIP_MCP_INSTRUCTIONS } from './server';
