// How a consumer bundle hands its results to the test: printed as JSON in Node, kept on the page
// (window.__backprop) in a browser, where the test reads it.
export function report(result) {
  if (typeof document === "undefined") console.log(JSON.stringify(result));
  else globalThis.__backprop = result;
}
