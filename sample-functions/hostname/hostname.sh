#!/bin/sh
# An Alexa skill response (version 1.0, plain-text speech). A container hostname is [a-z0-9.-] only, so it needs
# no JSON escaping.
cat >/dev/null
name=$(hostname)
printf '{"version":"1.0","response":{"outputSpeech":{"type":"PlainText","text":"My hostname is %s"},' "$name"
printf '"card":{"type":"Simple","title":"Hostname","content":"%s"},"shouldEndSession":true}}\n' "$name"
