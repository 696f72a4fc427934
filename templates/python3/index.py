"""The warm server around function/handler.py (templates/python3).

The watchdog (mode=http) starts this once and proxies every call to it on 127.0.0.1:$function_port (5000), over
kept-alive connections. handle(req) gets the request body as a str and its return value is the answer: a str
(text/plain), bytes (application/octet-stream), a dict or list (JSON), None (empty). The env setting content_type,
if set, replaces the str/bytes content type. An exception is a 500 with one line, and one line in the log.
Standard library only: one thread per connection, so handle() may run on several threads at once.
"""
import json
import os
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
# After the standard library, so a handler's own module (or a vendored package in function/) can be imported by its
# plain name without shadowing anything.
sys.path.append(os.path.join(HERE, "function"))
from function import handler  # noqa: E402

TEXT = os.environ.get("content_type") or "text/plain; charset=utf-8"
BINARY = os.environ.get("content_type") or "application/octet-stream"


def log(line):
    sys.stderr.write(line + "\n")


def answer(result):
    """(content type, bytes) of what handle() returned."""
    if result is None:
        return TEXT, b""
    if isinstance(result, str):
        return TEXT, result.encode("utf-8", "surrogateescape")
    if isinstance(result, (bytes, bytearray, memoryview)):
        return BINARY, bytes(result)
    if isinstance(result, (dict, list)):
        return "application/json", json.dumps(result).encode("utf-8")
    return TEXT, str(result).encode("utf-8", "surrogateescape")


class Call(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the watchdog pools its connections to the function
    disable_nagle_algorithm = True  # else each kept-alive answer waits ~40 ms for a delayed ACK

    def serve(self):
        try:
            body = self.read_body()
        except (ValueError, OSError) as e:
            self.close_connection = True
            self.send_error(400, "malformed request body: %s" % e)
            return
        try:
            # surrogateescape: bytes that are not UTF-8 come back unchanged when a str is returned.
            content_type, payload = answer(handler.handle(body.decode("utf-8", "surrogateescape")))
            status = 200
        except Exception as e:
            frame = traceback.extract_tb(e.__traceback__)[-1]
            log('msg="function failed" error=%s at=%s:%d'
                % (json.dumps("%s: %s" % (type(e).__name__, e)), os.path.basename(frame.filename), frame.lineno))
            status, content_type = 500, "text/plain; charset=utf-8"
            payload = ("the function failed: %s: %s\n" % (type(e).__name__, e)).encode("utf-8", "replace")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except OSError as e:  # the watchdog gave up on this call (a timeout) and closed the connection
            self.close_connection = True
            log('msg="answer not sent" error=%s' % json.dumps(str(e)))

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline(1024).split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65536).strip():  # trailer fields, up to the empty line
                        pass
                    return b"".join(parts)
                part = self.rfile.read(size)
                if len(part) < size or self.rfile.readline(3).strip():
                    raise ValueError("chunk cut short")
                parts.append(part)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ValueError("body cut short")
        return body

    def log_request(self, code="-", size="-"):
        pass  # quiet: the watchdog logs and counts every call

    def log_message(self, format, *args):
        log('msg="http" detail=%s' % json.dumps(format % args))


for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
    setattr(Call, "do_" + method, Call.serve)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        log('msg="connection failed" error=%s' % json.dumps(repr(sys.exc_info()[1])))


def main():
    port = int(os.environ.get("function_port", "5000"))
    server = Server(("127.0.0.1", port), Call)
    log('msg="function listening" port=%d handler=%s' % (port, handler.__name__))
    server.serve_forever()


if __name__ == "__main__":
    main()
