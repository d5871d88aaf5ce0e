"""Small repairs to exported ONNX graphs, done in memory at load time (the file on disk keeps
its published SHA-256).

EdgeFace-S was exported from PyTorch with a batch of 1 written into its Reshape targets
(`[1, 96, 196]`, ...) and into the shapes it records for every intermediate tensor. Run as it
is, it takes one face per call. Setting each target's leading 1 to 0 ("keep the input's batch",
ONNX Reshape with allowzero = 0) and dropping the recorded shapes lets one call embed every face
of a frame, with the same numbers (bench/embedder_runtime.py checks both).

Why the protobuf is read by hand here: the `onnx` package would do it in three lines, but
importing it at the door costs the kiosk about 10 MB of its 300 MB budget (BENCHMARKS.md,
"Memory at the door"). The edit needs only the few fields named below, in ONNX's own numbering
(onnx/onnx.proto3); the output keeps its recorded batch of 1, which onnxruntime overrides (the
kiosk silences that warning).
"""

from __future__ import annotations

import struct

from kiosk.errors import ModelError

# Field numbers in onnx.proto3.
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_VALUE_INFO = 1, 5, 13
NODE_INPUT, NODE_NAME, NODE_OP_TYPE = 1, 3, 4
TENSOR_DIMS, TENSOR_DATA_TYPE, TENSOR_NAME, TENSOR_RAW_DATA = 1, 2, 8, 9
INT64 = 7  # TensorProto.DataType
VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5  # protobuf wire types

Field = tuple[int, int, object]  # (field number, wire type, int or bytes)


def free_batch_reshapes(model_bytes: bytes, label: str) -> bytes:
    """The graph with every Reshape target of the form [1, ...] made [0, ...] and the recorded
    intermediate shapes dropped. ModelError when the graph is not one this applies to (not
    ONNX, or a Reshape whose target is computed or does not start at 1)."""
    try:
        model = _fields(model_bytes)
        graph = _fields(_only(model, MODEL_GRAPH))
        targets = _reshape_targets(graph)
        kept, freed = [], set()
        for number, wire, value in graph:
            if number == GRAPH_VALUE_INFO:
                continue
            if number == GRAPH_INITIALIZER:
                name, value = _freed_tensor(value, targets)
                freed.add(name)
            kept.append((number, wire, value))
    except (ValueError, IndexError, TypeError, AttributeError, StopIteration, struct.error):
        raise ModelError(f"{label}: not a readable ONNX graph") from None
    stuck = [node for target, node in targets.items() if target not in freed]
    if stuck:
        raise ModelError(f"{label}: Reshape {stuck[0]} has no fixed batch of 1 to free")
    return _bytes([(n, w, _bytes(kept)) if n == MODEL_GRAPH else (n, w, v) for n, w, v in model])


def _reshape_targets(graph: list[Field]) -> dict[str, str]:
    """Reshape target (its shape input's name) -> the Reshape node's name."""
    targets = {}
    for number, _, value in graph:
        if number != GRAPH_NODE:
            continue
        node = _fields(value)
        if _text(node, NODE_OP_TYPE) == "Reshape":
            inputs = [v.decode() for n, _, v in node if n == NODE_INPUT]
            targets[inputs[1]] = _text(node, NODE_NAME)
    return targets


def _freed_tensor(tensor_bytes: bytes, targets: dict[str, str]) -> tuple[str, bytes]:
    """(name, tensor) for an initializer that is a Reshape target of the form [1, ...], its leading
    1 made 0; ("", the tensor as it was) for any other."""
    tensor = _fields(tensor_bytes)
    name = _text(tensor, TENSOR_NAME)
    raw = next((v for n, _, v in tensor if n == TENSOR_RAW_DATA), b"")
    if (name not in targets or _only(tensor, TENSOR_DATA_TYPE) != INT64 or len(_dims(tensor)) != 1
            or len(raw) < 8 or struct.unpack_from("<q", raw)[0] != 1):
        return "", tensor_bytes
    freed = struct.pack("<q", 0) + raw[8:]
    return name, _bytes([(n, w, freed if n == TENSOR_RAW_DATA else v) for n, w, v in tensor])


def _dims(tensor: list[Field]) -> list[int]:
    """A tensor's dims, written packed (one field of varints, as proto3 does) or one by one."""
    dims = []
    for number, wire, value in tensor:
        if number == TENSOR_DIMS and wire == BYTES:
            at = 0
            while at < len(value):
                dim, at = _varint(value, at)
                dims.append(dim)
        elif number == TENSOR_DIMS:
            dims.append(value)
    return dims


# -- The protobuf wire format, as far as the edit needs it -------------------------------------

def _fields(data: bytes) -> list[Field]:
    """A message's fields in order; varints and fixed numbers as ints, the rest as bytes."""
    fields, at = [], 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, at = _varint(data, at)
        elif wire == BYTES:
            size, at = _varint(data, at)
            value, at = data[at:at + size], at + size
            if at > len(data):
                raise ValueError("truncated")
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            value, at = int.from_bytes(data[at:at + width], "little"), at + width
        else:
            raise ValueError(f"wire type {wire}")
        fields.append((number, wire, value))
    return fields


def _bytes(fields: list[Field]) -> bytes:
    out = bytearray()
    for number, wire, value in fields:
        out += _encode_varint(number << 3 | wire)
        if wire == VARINT:
            out += _encode_varint(value)
        elif wire == BYTES:
            out += _encode_varint(len(value)) + value
        else:
            out += value.to_bytes(8 if wire == FIXED64 else 4, "little")
    return bytes(out)


def _only(fields: list[Field], number: int):
    return next(v for n, _, v in fields if n == number)


def _text(fields: list[Field], number: int) -> str:
    return next((v.decode() for n, _, v in fields if n == number), "")


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def _encode_varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative numbers as protobuf writes them: ten bytes
    out = bytearray()
    while True:
        out.append(value & 0x7F | (0x80 if value > 0x7F else 0))
        value >>= 7
        if not value:
            return bytes(out)
