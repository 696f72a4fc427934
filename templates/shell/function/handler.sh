#!/bin/sh
# The function: run once per request (the watchdog's fork mode) by busybox's sh. The request body is on stdin, what
# goes to stdout is the answer (text/plain), a non-zero exit status is a 500 with stderr in the log. The request's
# method, path, query and headers are in the environment: Http_Method, Http_Path, Http_Query, Http_X_Name, ...
# The tools are busybox's (ls /bin in the image): sh, awk, sed, grep, wc, base64, sha256sum, wget, ...
printf 'Hello from shell: '
cat
