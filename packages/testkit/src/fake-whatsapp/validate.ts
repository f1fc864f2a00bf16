import type { GraphMessageKind } from './types';

/** What one messages request asks for, or why the real API would refuse it (as a code 100 error). */
export type Classified =
  | { readonly kind: Exclude<GraphMessageKind, 'invalid'>; readonly to: string | undefined }
  | { readonly kind: 'invalid'; readonly to: string | undefined; readonly problem: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The limits the Cloud API enforces on what the adapter sends. */
export const WHATSAPP_LIMITS = {
  textLength: 4096,
  interactiveBodyLength: 1024,
  buttons: 3,
  buttonTitleLength: 20,
  buttonIdLength: 256,
} as const;

function interactiveProblem(interactive: unknown): string | undefined {
  if (!isObject(interactive) || interactive['type'] !== 'button') return 'interactive.type must be "button"';
  const body = interactive['body'];
  if (!isObject(body) || typeof body['text'] !== 'string' || body['text'] === '')
    return 'interactive.body.text is required';
  if (body['text'].length > WHATSAPP_LIMITS.interactiveBodyLength)
    return `interactive.body.text is longer than ${WHATSAPP_LIMITS.interactiveBodyLength} characters`;
  const action = interactive['action'];
  const buttons = isObject(action) ? action['buttons'] : undefined;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > WHATSAPP_LIMITS.buttons)
    return `interactive.action.buttons must hold 1 to ${WHATSAPP_LIMITS.buttons} buttons`;
  const ids = new Set<string>();
  for (const button of buttons) {
    const reply = isObject(button) && button['type'] === 'reply' ? button['reply'] : undefined;
    if (!isObject(reply) || typeof reply['id'] !== 'string' || typeof reply['title'] !== 'string')
      return 'each button needs type "reply" with an id and a title';
    if (reply['title'].length < 1 || reply['title'].length > WHATSAPP_LIMITS.buttonTitleLength)
      return `button titles must be 1 to ${WHATSAPP_LIMITS.buttonTitleLength} characters`;
    if (reply['id'].length < 1 || reply['id'].length > WHATSAPP_LIMITS.buttonIdLength)
      return `button ids must be 1 to ${WHATSAPP_LIMITS.buttonIdLength} characters`;
    if (ids.has(reply['id'])) return 'button ids must be unique';
    ids.add(reply['id']);
  }
  return undefined;
}

/** Read a `POST /{phone-number-id}/messages` body the way the Cloud API does. */
export function classifyMessage(body: unknown): Classified {
  if (!isObject(body)) return { kind: 'invalid', to: undefined, problem: 'the body must be a JSON object' };
  const to = typeof body['to'] === 'string' ? body['to'] : undefined;
  const invalid = (problem: string): Classified => ({ kind: 'invalid', to, problem });
  if (body['messaging_product'] !== 'whatsapp') return invalid('messaging_product must be "whatsapp"');
  if (body['status'] === 'read') {
    if (typeof body['message_id'] !== 'string') return invalid('message_id is required');
    const typing = body['typing_indicator'];
    if (typing === undefined) return { kind: 'read', to };
    return isObject(typing) && typing['type'] === 'text'
      ? { kind: 'typing', to }
      : invalid('typing_indicator.type must be "text"');
  }
  if (to === undefined || !/^\+?\d{5,20}$/.test(to)) return invalid('to must be a phone number (wa_id)');
  switch (body['type']) {
    case 'text': {
      const text = body['text'];
      if (!isObject(text) || typeof text['body'] !== 'string' || text['body'].trim() === '')
        return invalid('text.body is required');
      if (text['body'].length > WHATSAPP_LIMITS.textLength)
        return invalid(`text.body is longer than ${WHATSAPP_LIMITS.textLength} characters`);
      return { kind: 'text', to };
    }
    case 'interactive': {
      const problem = interactiveProblem(body['interactive']);
      return problem === undefined ? { kind: 'interactive', to } : invalid(problem);
    }
    case 'template': {
      const template = body['template'];
      const language = isObject(template) ? template['language'] : undefined;
      if (!isObject(template) || typeof template['name'] !== 'string' || template['name'] === '')
        return invalid('template.name is required');
      if (!isObject(language) || typeof language['code'] !== 'string')
        return invalid('template.language.code is required');
      return { kind: 'template', to };
    }
    default:
      return invalid('type must be text, interactive or template (the fake speaks these)');
  }
}
