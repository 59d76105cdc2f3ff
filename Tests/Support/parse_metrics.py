#!/usr/bin/env python3
"""Parses Prometheus text exposition (stdin) with the official prometheus_client parser and
prints every sample as JSON: [{"name", "labels", "value"}]. A line the parser refuses fails."""
import json, sys
from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        samples.append({"name": sample.name, "labels": sample.labels, "value": sample.value, "type": family.type})
json.dump(samples, sys.stdout)
