import type { InjectedFailure } from './types';

/** A Bot API error answer: `{ ok: false, error_code, description, parameters? }`. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  readonly errorCode: number;
  readonly parameters: InjectedFailure['parameters'];

  constructor(errorCode: number, description: string, parameters?: InjectedFailure['parameters']) {
    super(description);
    this.errorCode = errorCode;
    this.parameters = parameters;
  }

  static badRequest(detail: string): ApiFailure {
    return new ApiFailure(400, `Bad Request: ${detail}`);
  }

  /** The JSON body Telegram answers with. */
  toBody(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.message,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

interface Rule {
  readonly method: string;
  readonly failure: InjectedFailure;
  remaining: number;
}

/** Failures injected by tests, consumed call by call. */
export class FailurePlan {
  readonly #rules: Rule[] = [];

  add(method: string, failure: InjectedFailure): void {
    this.#rules.push({ method, failure, remaining: failure.times ?? 1 });
  }

  /** The failure this call must answer with, if any (consumes one use of the rule). */
  take(method: string, chatId: number | undefined): ApiFailure | undefined {
    const rule = this.#rules.find(
      (candidate) =>
        candidate.method === method &&
        candidate.remaining > 0 &&
        (candidate.failure.chatId === undefined || candidate.failure.chatId === chatId),
    );
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    return new ApiFailure(rule.failure.errorCode, rule.failure.description, rule.failure.parameters);
  }
}
