"""The onnxruntime embedders: a clear one-line ModelError without their weights; with them they
tell the same person from another. EdgeFace-S (the real file setup.sh installs) runs every face of
a frame in one call, with the numbers of the graph as shipped and of OpenCV DNN."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision.onnx_embedders import open_session, verify_file
from kiosk.vision.onnx_graph import free_batch_reshapes
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.sface import arcface_crops
from kiosk.vision.weights import OPTIONAL

REPO = Path(__file__).resolve().parents[2]
OPTIONAL_DIR = Path(os.environ.get("KIOSK_OPTIONAL_MODELS", REPO / "data" / "models"))


@pytest.mark.parametrize("name", sorted(OPTIONAL))
def test_missing_weights_is_a_one_line_model_error(name, tmp_path):
    with pytest.raises(ModelError) as err:
        FacePipeline(VisionSection(embedder=name), tmp_path)
    message = str(err.value)
    assert "\n" not in message and OPTIONAL[name].file in message and OPTIONAL[name].fix in message


def test_arcface_mbf_with_weights(sface_pipeline, photos):
    if not (OPTIONAL_DIR / OPTIONAL["arcface-mbf"].file).is_file():
        pytest.skip(f"{OPTIONAL['arcface-mbf'].file} not in {OPTIONAL_DIR}")
    tells_people_apart(FacePipeline(VisionSection(embedder="arcface-mbf"), OPTIONAL_DIR), sface_pipeline, photos)


def test_edgeface_with_weights(edgeface_onnx, sface_pipeline, photos):
    pipeline = FacePipeline(VisionSection(embedder="edgeface-s", model_path=str(edgeface_onnx)), REPO / "data")
    tells_people_apart(pipeline, sface_pipeline, photos)
    assert pipeline.embedder.weights_summary() == "edgeface_s_gamma_05.onnx sha256 9fd80dbbb5a8"


def tells_people_apart(pipeline, sface_pipeline, photos) -> None:
    vectors = {}
    for photo in ("obama.jpg", "obama2.jpg", "biden.jpg"):
        faces = sface_pipeline.detect(photos[photo])
        vectors[photo] = pipeline.embed(photos[photo], faces)[0]
    assert vectors["obama.jpg"].shape == (512,)
    same = float(vectors["obama.jpg"] @ vectors["obama2.jpg"])
    assert same > float(vectors["obama.jpg"] @ vectors["biden.jpg"]) + 0.2
    two = photos["two_people.jpg"]
    faces = sface_pipeline.detect(two)
    batch = pipeline.embed(two, faces)  # one call for both faces
    singles = np.stack([pipeline.embed(two, [face])[0] for face in faces])
    assert len(faces) == 2 and np.allclose(batch, singles, atol=1e-4)


def _blob(crops) -> np.ndarray:
    batch = np.stack(crops)[:, :, :, ::-1].astype(np.float32)
    return np.ascontiguousarray(((batch - 127.5) / 127.5).transpose(0, 3, 1, 2))


def _unit(rows) -> np.ndarray:
    rows = np.asarray(rows, np.float64).reshape(len(rows), -1)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_freed_batch_and_opencv_give_the_shipped_graphs_embeddings(edgeface_onnx, sface_pipeline, faces_dir):
    """The runtime shipped (onnxruntime, batch freed) against the graph as published run face by face,
    and against OpenCV DNN (OpenCV 5: the input is named in setInput), on the shared photos."""
    crops = []
    for path in sorted(faces_dir.glob("*.jpg"))[:12]:
        image = cv2.imread(str(path))
        crops += arcface_crops(image, sface_pipeline.detect(image)[:1])
    blob = _blob(crops)
    shipped = edgeface_onnx.read_bytes()
    as_published = open_session(shipped, "as published", 2)
    one_by_one = np.concatenate([as_published.run(None, {"data": blob[i:i + 1]})[0] for i in range(len(blob))])
    freed = open_session(free_batch_reshapes(shipped, "freed"), "freed", 2).run(None, {"data": blob})[0]
    net = cv2.dnn.readNetFromONNX(str(edgeface_onnx))
    opencv = []
    for i in range(len(blob)):
        net.setInput(blob[i:i + 1], "data")
        opencv.append(net.forward().copy())
    reference = _unit(one_by_one)
    assert len(crops) >= 8
    assert np.min(np.sum(_unit(freed) * reference, axis=1)) > 0.999
    assert np.min(np.sum(_unit(np.concatenate(opencv)) * reference, axis=1)) > 0.999


def test_the_shipped_graph_alone_takes_one_face_per_call(edgeface_onnx):
    session = open_session(edgeface_onnx.read_bytes(), "as published", 1)
    with pytest.raises(Exception):  # noqa: B017 - onnxruntime's own error type: its Reshape wants a batch of 1
        session.run(None, {"data": np.zeros((2, 3, 112, 112), np.float32)})


def test_a_graph_that_is_not_onnx_is_one_line(tmp_path):
    with pytest.raises(ModelError) as err:
        free_batch_reshapes(b"not a graph at all", "x.onnx")
    assert str(err.value).startswith("x.onnx: not a readable ONNX graph") and "\n" not in str(err.value)


def test_a_session_does_not_keep_the_graphs_bytes(edgeface_onnx):
    # onnxruntime's Python session would hold them (15 MB) for as long as it lives.
    graph = free_batch_reshapes(edgeface_onnx.read_bytes(), "freed")
    holders = sys.getrefcount(graph)
    session = open_session(graph, "freed", 1)
    assert sys.getrefcount(graph) == holders
    assert session.run(None, {"data": np.zeros((2, 3, 112, 112), np.float32)})[0].shape == (2, 512)


def test_a_truncated_graph_is_one_line(edgeface_onnx):
    with pytest.raises(ModelError, match=r"^cut\.onnx: not a readable ONNX graph$"):
        free_batch_reshapes(edgeface_onnx.read_bytes()[:5000], "cut.onnx")


def test_damaged_graphs_are_one_line_or_a_graph(edgeface_onnx):
    # A pinned file is checked by its hash before it gets here; a graph from vision.model_path is not.
    shipped = edgeface_onnx.read_bytes()[:200_000]
    rng = np.random.default_rng(7)
    for _ in range(300):
        damaged = bytearray(shipped)
        for at in rng.integers(0, len(damaged), 3):
            damaged[at] = int(rng.integers(0, 256))
        try:
            free_batch_reshapes(bytes(damaged[: int(rng.integers(1, len(damaged)))]), "bad.onnx")
        except ModelError as err:
            assert str(err).startswith("bad.onnx: ") and "\n" not in str(err)


def _reshape_graph(target: list[int]) -> bytes:
    import onnx
    from onnx import helper, numpy_helper

    shape = numpy_helper.from_array(np.array(target, np.int64), "target")
    node = helper.make_node("Reshape", ["x", "target"], ["y"], name="flatten")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["N", 2, 3])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 6])], [shape])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def test_a_small_graph_is_freed_and_runs_a_batch():
    session = open_session(free_batch_reshapes(_reshape_graph([1, 6]), "small"), "small", 1)
    out = session.run(None, {"x": np.ones((4, 2, 3), np.float32)})[0]
    assert out.shape == (4, 6)


def test_a_reshape_without_a_batch_of_1_is_named():
    with pytest.raises(ModelError, match=r"^odd\.onnx: Reshape flatten has no fixed batch of 1 to free$"):
        free_batch_reshapes(_reshape_graph([2, 3]), "odd.onnx")


def test_the_door_runs_edgeface_without_the_onnx_package(edgeface_onnx):
    # Importing onnx costs the kiosk about 10 MB (BENCHMARKS.md, "Memory at the door").
    code = ("import sys; from pathlib import Path; from kiosk.config import VisionSection; "
            "from kiosk.vision.onnx_embedders import EdgeFaceSEmbedder; "
            f"EdgeFaceSEmbedder(VisionSection(embedder='edgeface-s', model_path={str(edgeface_onnx)!r}), Path('.')); "
            "print('onnx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr[-500:]


def test_verify_file_checks_name_and_batch(edgeface_onnx, tmp_path):
    record = verify_file(edgeface_onnx)
    assert record["sha256"] == OPTIONAL["edgeface-s"].sha256 and record["output"] == ["N", 512]
    with pytest.raises(ModelError, match="not a known embedder file"):
        verify_file(tmp_path / "w600k_mbf.onnx")
