import { ApiException, ApiExceptionOptions } from './api.exception';

class TestApiException extends ApiException<'not_found' | 'rate_limited'> {
  constructor(code: 'not_found' | 'rate_limited', message: string, options?: ApiExceptionOptions) {
    super('TestApiException', code, message, options);
  }
}

describe(ApiException.name, () => {
  it('should carry the code, message, name, status, wait and cause when they are given', () => {
    const cause = new Error('socket');
    const sut = new TestApiException('rate_limited', 'limited', { cause, status: 429, retryAfterSeconds: 3 });
    expect(sut).toBeInstanceOf(Error);
    expect(sut).toMatchObject({ name: 'TestApiException', code: 'rate_limited', message: 'limited', status: 429, retryAfterSeconds: 3 });
    expect(sut.cause).toBe(cause);
  });

  it('should leave status and wait undefined when no options are given', () => {
    const sut = new TestApiException('not_found', 'gone');
    expect(sut.status).toBeUndefined();
    expect(sut.retryAfterSeconds).toBeUndefined();
    expect(sut.cause).toBeUndefined();
  });
});
