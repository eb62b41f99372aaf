// @ts-check
/**
 * Build-time stand-in for `@opentelemetry/api`, an optional peer of Mistral's SDK (reached through
 * pi-ai) that this project does not install. The SDK only traces when telemetry is configured
 * (MISTRAL_SDK_TELEMETRY / a registered tracer provider); these no-ops keep its imports bound and
 * make every tracing call do nothing, so the bundle needs no extra dependency.
 */
const noopSpan = {
  setAttribute: () => noopSpan,
  setAttributes: () => noopSpan,
  addEvent: () => noopSpan,
  setStatus: () => noopSpan,
  updateName: () => noopSpan,
  recordException: () => {},
  end: () => {},
  isRecording: () => false,
  spanContext: () => ({ traceId: '', spanId: '', traceFlags: 0 }),
};
const noopTracer = {
  startSpan: () => noopSpan,
  /** @param {...unknown} args */
  startActiveSpan: (...args) => {
    const fn = args[args.length - 1];
    return typeof fn === 'function' ? fn(noopSpan) : undefined;
  },
};
const rootContext = {
  getValue: () => undefined,
  setValue: () => rootContext,
  deleteValue: () => rootContext,
};
export const SpanStatusCode = { UNSET: 0, OK: 1, ERROR: 2 };
export const SpanKind = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 };
export const context = {
  active: () => rootContext,
  /** @param {unknown} _ctx @param {(...a: unknown[]) => unknown} fn @param {unknown} thisArg @param {unknown[]} args */
  with: (_ctx, fn, thisArg, ...args) => fn.apply(thisArg, args),
};
export const trace = {
  getTracer: () => noopTracer,
  getTracerProvider: () => ({ getTracer: () => noopTracer }),
  setGlobalTracerProvider: () => false,
  setSpan: (/** @type {unknown} */ ctx) => ctx,
  getSpan: () => undefined,
  getActiveSpan: () => undefined,
};
export const propagation = {
  inject: () => {},
  extract: (/** @type {unknown} */ ctx) => ctx,
  getBaggage: () => undefined,
  setBaggage: (/** @type {unknown} */ ctx) => ctx,
};
export default { SpanStatusCode, SpanKind, context, trace, propagation };
