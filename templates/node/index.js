'use strict';
// The warm server around function/handler.js (templates/node): the watchdog (mode=http) starts it once and proxies
// every call to it on 127.0.0.1:$function_port (5000), over kept-alive connections. Node's own modules only.
// handler(event, context) is described at the top of function/handler.js; an exception or a rejected promise is a
// 500 with one line, and one line in the log.
const http = require('http');
const handler = require('./function/handler');

const port = Number(process.env.function_port || 5000);
const TEXT = process.env.content_type || 'text/plain; charset=utf-8';
const BINARY = process.env.content_type || 'application/octet-stream';

// OpenFaaS's node templates' context: status and headers of the answer, chainable; succeed(value) returns value.
class Context {
  constructor() {
    this.statusCode = 200;
    this.headerValues = {};
  }
  status(code) {
    if (code === undefined) return this.statusCode;
    this.statusCode = code;
    return this;
  }
  headers(values) {
    if (values === undefined) return this.headerValues;
    this.headerValues = values;
    return this;
  }
  succeed(value) {
    this.result = value;
    return value;
  }
  fail(error) {
    throw error instanceof Error ? error : new Error(String(error));
  }
}

// [content type, bytes] of what the handler returned.
function answer(result) {
  if (result === undefined || result === null) return [TEXT, Buffer.alloc(0)];
  if (typeof result === 'string') return [TEXT, Buffer.from(result, 'utf8')];
  if (Buffer.isBuffer(result) || result instanceof Uint8Array) return [BINARY, Buffer.from(result)];
  return ['application/json', Buffer.from(JSON.stringify(result), 'utf8')];
}

function oneLine(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ');
}

async function serve(req, res, body) {
  const url = new URL(req.url, 'http://localhost');
  const event = {
    body: body.toString('utf8'),
    rawBody: body,
    headers: req.headers,
    method: req.method,
    query: Object.fromEntries(url.searchParams),
    path: url.pathname,
  };
  const context = new Context();
  let status, headers, type, payload;
  try {
    const result = await handler(event, context);
    [type, payload] = answer(result === undefined ? context.result : result);
    status = context.statusCode;
    headers = context.headerValues || {};
  } catch (error) {
    const where = error instanceof Error && error.stack ? (error.stack.split('\n')[1] || '').trim() : '';
    console.error(`msg="function failed" error=${JSON.stringify(oneLine(error))}${where ? ` at=${JSON.stringify(where)}` : ''}`);
    status = 500;
    headers = {};
    type = 'text/plain; charset=utf-8';
    payload = Buffer.from(`the function failed: ${oneLine(error)}\n`, 'utf8');
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) res.setHeader('Content-Type', type);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', payload.length);
  res.writeHead(status);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

const server = http.createServer({ noDelay: true }, (req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    serve(req, res, Buffer.concat(chunks)).catch((error) => {
      console.error(`msg="answer not sent" error=${JSON.stringify(oneLine(error))}`);
      res.destroy();
    });
  });
  req.on('error', () => res.destroy());
});
// The watchdog keeps its connections and bounds every call itself: no idle or request timeouts of node's own (its
// 5 s keep-alive default would close pooled connections under the watchdog).
server.keepAliveTimeout = 0;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1', () => {
  console.error(`msg="function listening" port=${port} handler=function/handler.js`);
});

// A promise the handler left behind and nobody awaited: log it, keep serving (node would exit).
process.on('unhandledRejection', (error) => {
  console.error(`msg="unhandled rejection" error=${JSON.stringify(oneLine(error))}`);
});
