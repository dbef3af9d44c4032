#!/usr/bin/python3
"""A second Avro implementation over cnbfarm's events: Debian's python3-avro and python3-confluent-kafka,
reading only the .avsc files (no generated code, no schema registry).

  cnbfarm_avro.py decode <avsc-dir> <file>...        each file: one single-object-encoded event;
                                                      prints one JSON line per file: {"schema", "fingerprint", "event"}
  cnbfarm_avro.py produce <avsc-dir> <bootstrap> <topic> <key> <json-file>
                                                      encodes the JSON as a BuildRequested (single-object
                                                      encoding) and produces it with librdkafka, acks=all,
                                                      keyed <key> on the partition Java clients pick for it

The JSON of `produce` is a BuildRequested as Avro's JSON sees it, with occurredAt in epoch milliseconds and
the optional strings of BuildSpec as plain strings or null (no union wrappers):
  {"eventId": "<uuid>", "buildId": "<key>", "attempt": 1, "occurredAt": 1764640000000, "producer": "python",
   "spec": {"builderImage": "...", "sourceRepository": "...", "sourceDigest": "sha256:...", "targetImage": "...",
            "tags": [], "env": {}, "runImage": null, "requestedBy": "...", "platformApi": "0.13", "replayOf": null}}
A field the JSON leaves out takes its schema default (a producer older than the field still encodes).
"""
import io
import json
import os
import struct
import sys

import avro.io
import avro.schema

EMPTY = 0xC15D213AA4D7A795
TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
    TABLE.append(fp)

# named types first: the events refer to them by name
ORDER = ["FailureCode", "BuildSpec", "GroupModule", "LayerDescriptor", "BuildRequested", "BuildDetected",
         "BuildBuilt", "RunImageReady", "BuildExported", "BuildFailed", "BuildLog"]
EVENTS = ORDER[4:]


def crc64_avro(data):
    fp = EMPTY
    for b in data:
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def collapse(node):
    """Parsing Canonical Form [PRIMITIVES]: {"type": "long"} is "long". python3-avro 1.11 keeps the object
    when it strips a logicalType, which changes the fingerprint; Java's SchemaNormalization does not."""
    if isinstance(node, dict):
        if set(node) == {"type"} and node["type"] in PRIMITIVES:
            return node["type"]
        return {k: collapse(v) for k, v in node.items()}
    if isinstance(node, list):
        return [collapse(v) for v in node]
    return node


def fingerprint(schema):
    canonical = json.dumps(collapse(json.loads(schema.canonical_form)), separators=(",", ":"))
    return crc64_avro(canonical.encode("utf-8"))


def load(avsc_dir):
    names = avro.schema.Names()
    schemas = {}
    for name in ORDER:
        with open(os.path.join(avsc_dir, name + ".avsc")) as f:
            schemas[name] = avro.schema.make_avsc_object(json.load(f), names)
    by_fp = {}
    for name in EVENTS:
        by_fp[fingerprint(schemas[name])] = (name, schemas[name])
    return schemas, by_fp


def decode(avsc_dir, files):
    _, by_fp = load(avsc_dir)
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] != b"\xc3\x01":
            raise SystemExit(path + ": no single-object marker")
        fp = struct.unpack("<Q", data[2:10])[0]
        if fp not in by_fp:
            raise SystemExit(path + ": unknown fingerprint %016x" % fp)
        name, schema = by_fp[fp]
        event = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))
        print(json.dumps({"schema": name, "fingerprint": "%016x" % fp, "event": event}, default=str, sort_keys=True))


def with_defaults(schema, datum):
    """The datum with each record field it lacks set to the field's default, as Java's generated builders
    do: python3-avro's writer requires every field, and a producer written before a field was added with
    a default must still encode against the current schema."""
    if isinstance(schema, avro.schema.RecordSchema) and isinstance(datum, dict):
        filled = dict(datum)
        for field in schema.fields:
            if field.name in filled:
                filled[field.name] = with_defaults(field.type, filled[field.name])
            elif field.has_default:
                filled[field.name] = field.default
        return filled
    if isinstance(schema, avro.schema.UnionSchema) and datum is not None:
        for branch in schema.schemas:
            if isinstance(branch, avro.schema.RecordSchema):
                return with_defaults(branch, datum)
    return datum


def produce(avsc_dir, bootstrap, topic, key, json_file):
    import datetime
    from confluent_kafka import Producer
    schemas, _ = load(avsc_dir)
    schema = schemas["BuildRequested"]
    with open(json_file) as f:
        event = json.load(f)
    event = with_defaults(schema, event)
    event["occurredAt"] = datetime.datetime.fromtimestamp(event["occurredAt"] / 1000.0, tz=datetime.timezone.utc)
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(event, avro.io.BinaryEncoder(body))
    fp = fingerprint(schema)
    value = b"\xc3\x01" + struct.pack("<Q", fp) + body.getvalue()
    # murmur2_random is the Java client's partitioner: librdkafka's default (consistent_random, CRC32) would put
    # the request on another partition than the workers' events of the same build, and cnbfarm's clients read
    # one build's events from the partition the Java partitioner gives its key
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "partitioner": "murmur2_random"})
    errors = []
    producer.produce(topic, key=key.encode("utf-8"), value=value,
                     on_delivery=lambda err, msg: errors.append(err) if err else None)
    producer.flush(30)
    if errors:
        raise SystemExit("delivery failed: %s" % errors[0])
    print("produced %d bytes to %s" % (len(value), topic))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "decode":
        decode(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 7 and sys.argv[1] == "produce":
        produce(*sys.argv[2:])
    else:
        raise SystemExit(__doc__)
