"""Small repairs to exported ONNX graphs, done in memory at load time (the file on disk keeps
its published SHA-256).

EdgeFace-S was exported from PyTorch with a batch of 1 written into its Reshape targets
(`[1, 96, 196]`, ...) and into the shapes it records for every intermediate tensor. Run as it
is, it takes one face per call. Setting each target's leading 1 to 0 ("keep the input's batch",
ONNX Reshape with allowzero = 0) and dropping the recorded shapes lets one call embed every face
of a frame, with the same numbers (bench/embedder_runtime.py checks both).
"""

from __future__ import annotations

from kiosk.errors import ModelError


def free_batch_reshapes(model_bytes: bytes, label: str) -> bytes:
    """The graph with every Reshape target of the form [1, ...] made [0, ...], the recorded
    intermediate shapes dropped and the output's batch left free. ModelError when the graph
    is not one this applies to (a Reshape whose target is computed, or does not start at 1)."""
    import onnx
    from onnx import numpy_helper

    try:
        model = onnx.load_from_string(model_bytes)
    except Exception as err:  # noqa: BLE001 - protobuf raises its own types for a damaged file
        raise ModelError(f"{label}: not a readable ONNX graph ({str(err).splitlines()[0][:120]})") from None
    graph = model.graph
    constants = {init.name: init for init in graph.initializer}
    freed: set[str] = set()
    for node in graph.node:
        if node.op_type != "Reshape" or node.input[1] in freed:
            continue
        target = constants.get(node.input[1])
        shape = numpy_helper.to_array(target).copy() if target is not None else None
        if shape is None or shape.ndim != 1 or shape[0] != 1:
            raise ModelError(f"{label}: Reshape {node.name} has no fixed batch of 1 to free")
        shape[0] = 0
        target.CopyFrom(numpy_helper.from_array(shape, target.name))
        freed.add(target.name)
    del graph.value_info[:]  # recorded with the batch of 1; the runtimes infer them again
    for output in graph.output:
        output.type.tensor_type.shape.dim[0].dim_param = "N"
    return model.SerializeToString()
