-- wrk script for the watchdog benchmark: a 100-byte POST, as in the issue's reference figures.
wrk.method = "POST"
wrk.body = string.rep("x", 99) .. "\n"
wrk.headers["Content-Type"] = "text/plain"
