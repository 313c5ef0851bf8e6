/**
 * Far deeper than anything the API takes (an import's rows, the deepest, nest four levels), and
 * far shallower than where the validation layer breaks: class-transformer and Nest's
 * ValidationPipe walk payloads recursively and run out of stack at a couple of thousand levels,
 * which turned a deeply nested array into a 500 instead of a validation error.
 */
export const MAX_PAYLOAD_DEPTH = 32;

const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type PayloadShapeProblem = 'too-deep' | 'prototype-key';

/**
 * Why a parsed payload must be refused before validation, if it must: nested deeper than
 * MAX_PAYLOAD_DEPTH (the top-level object or array is level 1), or (when asked) holding a key
 * that is the usual first step of prototype pollution. Walks with its own stack, so that no
 * input can exhaust the call stack here either; binary attachments are leaves.
 */
export function payloadShapeProblem(
  value: unknown,
  options: { prototypeKeys: boolean },
): PayloadShapeProblem | undefined {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) continue;
    if (node instanceof ArrayBuffer) continue;
    if (depth > MAX_PAYLOAD_DEPTH) return 'too-deep';
    for (const key of Object.keys(node)) {
      if (options.prototypeKeys && PROTOTYPE_KEYS.has(key)) return 'prototype-key';
      pending.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}
