# The tutorial's handler: logs the event and echoes it back.
handler() {
  EVENT_DATA=$1
  echo "$EVENT_DATA" 1>&2
  echo "Echoing request: '$EVENT_DATA'"
}
