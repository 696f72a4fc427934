#!/bin/sh
# A stand-in for the gateway's /metrics, for DashboardQueriesIT: busybox httpd serves a file rewritten every second
# with the gateway's metric names and labels (OpenFaaS's), whose counters grow, so rates and quantiles have values.
# catservice: 10 calls/s, all 200, fast. sleep: 3 calls/s, one of them a 504 timeout, slow.
set -eu
mkdir -p /tmp/www
render() {
  n=$1
  cat <<METRICS
# HELP gateway_function_invocation_total Function calls, by function and status code
# TYPE gateway_function_invocation_total counter
gateway_function_invocation_total{function_name="catservice",code="200"} $((n * 10))
gateway_function_invocation_total{function_name="sleep",code="200"} $((n * 2))
gateway_function_invocation_total{function_name="sleep",code="504"} $n
# HELP gateway_functions_seconds Function call duration
# TYPE gateway_functions_seconds histogram
gateway_functions_seconds_bucket{function_name="catservice",code="200",le="0.005"} $((n * 5))
gateway_functions_seconds_bucket{function_name="catservice",code="200",le="0.01"} $((n * 9))
gateway_functions_seconds_bucket{function_name="catservice",code="200",le="0.1"} $((n * 10))
gateway_functions_seconds_bucket{function_name="catservice",code="200",le="+Inf"} $((n * 10))
gateway_functions_seconds_sum{function_name="catservice",code="200"} $((n * 6 / 100))
gateway_functions_seconds_count{function_name="catservice",code="200"} $((n * 10))
gateway_functions_seconds_bucket{function_name="sleep",code="200",le="1"} $n
gateway_functions_seconds_bucket{function_name="sleep",code="200",le="5"} $((n * 2))
gateway_functions_seconds_bucket{function_name="sleep",code="200",le="+Inf"} $((n * 2))
gateway_functions_seconds_sum{function_name="sleep",code="200"} $((n * 4))
gateway_functions_seconds_count{function_name="sleep",code="200"} $((n * 2))
gateway_functions_seconds_bucket{function_name="sleep",code="504",le="1"} 0
gateway_functions_seconds_bucket{function_name="sleep",code="504",le="5"} 0
gateway_functions_seconds_bucket{function_name="sleep",code="504",le="+Inf"} $n
gateway_functions_seconds_sum{function_name="sleep",code="504"} $((n * 10))
gateway_functions_seconds_count{function_name="sleep",code="504"} $n
# HELP gateway_service_count Desired replicas of each function
# TYPE gateway_service_count gauge
gateway_service_count{function_name="catservice"} 2
gateway_service_count{function_name="sleep"} 1
METRICS
}
(
  n=1
  while :; do
    render "$n" > /tmp/www/metrics.tmp
    mv /tmp/www/metrics.tmp /tmp/www/metrics
    n=$((n + 1))
    sleep 1
  done
) &
render 0 > /tmp/www/metrics
exec httpd -f -p 8080 -h /tmp/www
