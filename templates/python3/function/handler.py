def handle(req):
    """Answers one call. req is the request body as a str; return a str (text/plain), bytes, a dict or list (JSON)
    or None. One warm process serves every call (on several threads), so module-level state lasts between calls.
    Only the standard library is there: function/requirements.txt is not installed (no pip offline); put a pure
    Python package's directory in function/ to import it."""
    return req
