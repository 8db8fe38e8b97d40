/**
 * Stands in for `@babel/runtime-corejs3/core-js/instance/trim` inside function bundles.
 * mimetext's build calls `trim(value).call(value)` on a string; the polyfill behind that
 * one call is 64 core-js modules run at every cold start, and Node has had
 * String.prototype.trim forever.
 */
export default (value: string): (() => string) => value.trim;
