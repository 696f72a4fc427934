#!/bin/sh
# Decode when the query holds a `decode` parameter (or mode=decode); encode otherwise.
case "&${Http_Query:-}&" in
  *'&decode&'* | *'&decode='* | *'&mode=decode&'*) exec base64 -d ;;
esac
exec base64
