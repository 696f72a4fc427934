'use strict';
// The function: called for every request by the template's server (index.js), in one warm process for all calls.
//   event:   { body: the request body as a string, headers: {lower-case name: value}, method: 'POST',
//              query: {name: value}, path: '/', rawBody: the body as a Buffer (for bytes that are not UTF-8) }
//   context: context.status(201).headers({'X-Name': 'value'}) sets the answer's status and headers (chainable)
// Return (or resolve to) a string (text/plain), a Buffer (application/octet-stream), or any other value: an object
// or array is sent as JSON. A throw or a rejection answers 500 with the error's message.
// Only Node's own modules are there (no npm offline): a package.json here is not installed, but a node_modules/
// directory copied into function/ is found by require().
module.exports = async (event, context) => {
  return event.body;
};
