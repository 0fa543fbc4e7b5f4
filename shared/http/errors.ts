/**
 * Typed errors with their HTTP status. The pipeline maps them to the envelope of api.md:
 * {"error": {"code", "message", "details"}}. Anything that is not an AppError is a 500 whose
 * details never leave the process (logged with the request id).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class BadRequest extends AppError {
  constructor(message: string, details?: FieldIssue[] | unknown, code = 'INVALID_INPUT') {
    super(400, code, message, details);
  }
}
export class Unauthorized extends AppError {
  constructor(message = '未登录或登录已失效', code = 'UNAUTHORIZED') {
    super(401, code, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = '无权执行此操作', code = 'FORBIDDEN', details?: unknown) {
    super(403, code, message, details);
  }
}
export class NotFound extends AppError {
  constructor(message = '未找到', code = 'NOT_FOUND') {
    super(404, code, message);
  }
}
export class Conflict extends AppError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(409, code, message, details);
  }
}
export class PayloadTooLarge extends AppError {
  constructor(limit: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `请求体超过 ${limit} 字节`);
  }
}
export class TooManyRequests extends AppError {
  constructor(message = '请求过于频繁') {
    super(429, 'THROTTLED', message);
  }
}

/**
 * A dependency (DynamoDB) cannot be reached or answered with a server fault: not this
 * server's bug and not the client's — try again after `retryAfterSeconds` (also the
 * Retry-After header).
 */
export class ServiceUnavailable extends AppError {
  constructor(readonly retryAfterSeconds = 5, message = '服务暂时不可用，请稍后重试') {
    super(503, 'SERVICE_UNAVAILABLE', message, { retryAfterSeconds });
  }
}

/** A single bad field: `badField('idNumber', '校验码错误')`. */
export function badField(field: string, message: string, code = 'INVALID_INPUT'): BadRequest {
  return new BadRequest(`${field}: ${message}`, [{ field, message }], code);
}
