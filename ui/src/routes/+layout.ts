// A client-only SPA: the gateway serves build/200.html for every page path, and all data comes from
// the REST API and the WebSocket at run time.
export const ssr = false;
export const prerender = false;
