"""The Gemma 3 catalogue and the vision projector checks that keep libmtmd from aborting."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ModelFileError
from engine.model.catalog import (
    GEMMA3_SIZES,
    check_mmproj_pair,
    identify_gemma3,
    model_limits,
    validate_mmproj,
)
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from tests.engine.model.gguf_fixtures import (
    ARR,
    BOOL,
    F32,
    GEMMA3,
    GGML_F16,
    GGML_Q8_0,
    STR,
    U32,
    Tensor,
    write_gemma3,
    write_mmproj,
)

LABELS = ["270M", "1B", "4B", "12B", "27B"]


def model(tmp_path: Path, label: str) -> GGUFInfo:
    return read_gguf_header(write_gemma3(tmp_path / f"gemma-3-{label}.gguf", label))


def mmproj(tmp_path: Path, name: str = "mmproj.gguf", **kw: object) -> GGUFInfo:
    return read_gguf_header(write_mmproj(tmp_path / name, **kw))  # type: ignore[arg-type]


def invalid(info: GGUFInfo, *fragments: str) -> str:
    with pytest.raises(ModelFileError) as caught:
        validate_mmproj(info)
    message = str(caught.value)
    assert message.startswith(f"{info.path.name} is not a usable Gemma 3 vision projector: ")
    for fragment in fragments:
        assert fragment in message
    return message


def test_catalog_matches_published_sizes() -> None:
    for size in GEMMA3_SIZES:
        layers, width, ffn, heads, kv_heads, head_dim, window, ctx = GEMMA3[size.label]
        assert (size.block_count, size.embedding_length, size.feed_forward_length) == (
            layers,
            width,
            ffn,
        )
        assert (size.head_count, size.head_count_kv, size.head_dim) == (heads, kv_heads, head_dim)
        assert (size.sliding_window, size.context_length) == (window, ctx)
        assert size.vision == (size.label not in ("270M", "1B"))


@pytest.mark.parametrize("label", LABELS)
def test_identify_and_limits(tmp_path: Path, label: str) -> None:
    info = model(tmp_path, label)
    size = identify_gemma3(info)
    assert size is not None
    assert size.label == label
    limits = model_limits(info)
    assert limits.label == label
    assert limits.max_context == (32768 if label in ("270M", "1B") else 131072)
    assert limits.vision is (label not in ("270M", "1B"))


def test_unknown_variant_has_open_limits(tmp_path: Path) -> None:
    path = write_gemma3(
        tmp_path / "tiny.gguf",
        "1B",
        gemma3__embedding_length=(U32, 64),
        gemma3__block_count=(U32, 6),
        gemma3__context_length=(U32, 2048),
    )
    limits = model_limits(read_gguf_header(path))
    assert limits.size is None
    assert limits.vision is None
    assert limits.max_context == 2048


def test_limits_fall_back_to_the_catalog_context(tmp_path: Path) -> None:
    path = write_gemma3(tmp_path / "m.gguf", "4B", gemma3__context_length=None)
    assert model_limits(read_gguf_header(path)).max_context == 131072


def test_limits_of_a_projector_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="vision projector"):
        model_limits(mmproj(tmp_path))


@pytest.mark.model
def test_real_model_is_the_text_only_270m(model_path: Path) -> None:
    limits = model_limits(read_gguf_header(model_path))
    assert (limits.label, limits.max_context, limits.vision) == ("270M", 32768, False)


# --- validate_mmproj --------------------------------------------------------------------------


def test_well_formed_projector_passes(tmp_path: Path) -> None:
    validate_mmproj(mmproj(tmp_path))
    validate_mmproj(mmproj(tmp_path, "two.gguf", blocks=2, width=48, heads=3, ffn=96))


def test_real_sized_projector_shapes_pass(tmp_path: Path) -> None:
    # SigLIP as in Gemma 3 4B (width 1152, 16 heads, FF 4304), 2 of its 27 blocks, F16 matrices.
    info = mmproj(
        tmp_path,
        width=1152,
        ffn=4304,
        heads=16,
        blocks=2,
        projection_dim=2560,
        keys={"general.file_type": (U32, 1)},
        tensors={
            "mm.input_projection.weight": Tensor(
                "mm.input_projection.weight", (2560, 1152), GGML_F16
            )
        },
    )
    validate_mmproj(info)
    assert info.quantization == "F16"


def test_quantized_matrices_are_allowed(tmp_path: Path) -> None:
    name = "v.blk.0.attn_q.weight"
    validate_mmproj(mmproj(tmp_path, tensors={name: Tensor(name, (32, 32), GGML_Q8_0)}))


def test_legacy_swapped_ffn_is_accepted(tmp_path: Path) -> None:
    swapped = {
        "v.blk.0.ffn_up.weight": Tensor("v.blk.0.ffn_up.weight", (64, 32)),
        "v.blk.0.ffn_up.bias": Tensor("v.blk.0.ffn_up.bias", (32,)),
        "v.blk.0.ffn_down.weight": Tensor("v.blk.0.ffn_down.weight", (32, 64)),
        "v.blk.0.ffn_down.bias": Tensor("v.blk.0.ffn_down.bias", (64,)),
    }
    validate_mmproj(mmproj(tmp_path, tensors=swapped))


def test_text_model_is_not_a_projector(tmp_path: Path) -> None:
    invalid(model(tmp_path, "4B"), "gemma3 model, not a vision projector")


@pytest.mark.parametrize(
    ("keys", "fragment"),
    [
        ({"clip.has_vision_encoder": (BOOL, False)}, "no vision encoder"),
        ({"clip.has_vision_encoder": None}, "no vision encoder"),
        ({"clip.projector_type": (STR, "llava")}, "'llava', not 'gemma3'"),
        ({"clip.projector_type": None}, "missing, not 'gemma3'"),
        ({"clip.vision.image_size": None}, "clip.vision.image_size"),
        ({"clip.vision.projection_dim": None}, "clip.vision.projection_dim"),
        ({"clip.vision.attention.layer_norm_epsilon": None}, "layer_norm_epsilon"),
        ({"clip.vision.image_mean": (ARR, (F32, [0.5, 0.5]))}, "image_mean"),
        ({"clip.vision.image_std": None}, "image_std"),
        ({"clip.vision.attention.head_count": (U32, 3)}, "not divisible by its 3 attention heads"),
        ({"clip.vision.patch_size": (U32, 15)}, "not a multiple of its patch size 15"),
        ({"clip.vision.projector.scale_factor": (U32, 5)}, "cannot be pooled by 5"),
    ],
)
def test_bad_projector_keys(
    tmp_path: Path, keys: dict[str, tuple[int, object] | None], fragment: str
) -> None:
    invalid(mmproj(tmp_path, keys=keys), fragment)


def _t(name: str, ne: tuple[int, ...], ggml_type: int = 0) -> Tensor:
    return Tensor(name, ne, ggml_type)


@pytest.mark.parametrize(
    ("name", "replacement", "fragment"),
    [
        # The libmtmd aborts recorded in gemma3-vision.md §4, and what they would run silently.
        ("v.patch_embd.weight", _t("v.patch_embd.weight", (16, 16, 3, 32)), "has the shape"),
        ("v.position_embd.weight", _t("v.position_embd.weight", (32, 1000)), "has the shape"),
        ("v.position_embd.weight", _t("v.position_embd.weight", (32, 1024)), "[32, 4096]"),
        ("v.position_embd.weight", _t("v.position_embd.weight", (32, 4096), 1), "must be F32"),
        ("v.position_embd.weight", None, "v.position_embd.weight is missing"),
        ("v.blk.0.ln1.weight", _t("v.blk.0.ln1.weight", (32,), GGML_F16), "must be F32"),
        ("v.patch_embd.bias", _t("v.patch_embd.bias", (32,), GGML_F16), "must be F32"),
        ("v.blk.0.attn_q.weight", None, "v.blk.0.attn_q.weight is missing"),
        ("v.blk.0.attn_out.weight", _t("v.blk.0.attn_out.weight", (32, 48)), "has the shape"),
        ("v.blk.0.ffn_down.weight", None, "v.blk.0.ffn_down.weight is missing"),
        ("v.blk.0.ffn_up.weight", _t("v.blk.0.ffn_up.weight", (32, 96)), "has the shape"),
        ("v.post_ln.weight", None, "v.post_ln.weight is missing"),
        ("mm.soft_emb_norm.weight", None, "mm.soft_emb_norm.weight is missing"),
        ("mm.input_projection.weight", None, "mm.input_projection.weight is missing"),
        ("mm.input_projection.weight", _t("mm.input_projection.weight", (640, 48)), "width, 32]"),
    ],
)
def test_bad_projector_tensors(
    tmp_path: Path, name: str, replacement: Tensor | None, fragment: str
) -> None:
    message = invalid(mmproj(tmp_path, tensors={name: replacement}), fragment)
    assert name in message


def test_stray_one_dimensional_f16_tensor(tmp_path: Path) -> None:
    extra = Tensor("v.extra.bias", (32,), GGML_F16)
    invalid(mmproj(tmp_path, tensors={"v.extra.bias": extra}), "1-D tensor v.extra.bias")


# --- check_mmproj_pair ------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["4B", "12B", "27B"])
def test_matching_pair_passes(tmp_path: Path, label: str) -> None:
    width = GEMMA3[label][1]
    check_mmproj_pair(model(tmp_path, label), mmproj(tmp_path, projection_dim=width))


@pytest.mark.parametrize("label", ["270M", "1B"])
def test_text_only_models_refuse_a_projector(tmp_path: Path, label: str) -> None:
    width = GEMMA3[label][1]
    with pytest.raises(ModelFileError, match=f"Gemma 3 {label} is a text-only model"):
        check_mmproj_pair(model(tmp_path, label), mmproj(tmp_path, projection_dim=width))


def test_text_only_allowed_for_test_fixtures(tmp_path: Path) -> None:
    check_mmproj_pair(model(tmp_path, "270M"), mmproj(tmp_path), allow_text_only=True)


def test_width_mismatch(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError) as caught:
        check_mmproj_pair(model(tmp_path, "12B"), mmproj(tmp_path, projection_dim=2560))
    assert str(caught.value) == (
        "mmproj.gguf was made for a model 2560 wide, but gemma-3-12B.gguf is 3840 wide; "
        "use the mmproj file that belongs to this model."
    )


def test_projection_key_is_ignored_in_favour_of_the_tensor(tmp_path: Path) -> None:
    info = mmproj(tmp_path, projection_dim=2560, keys={"clip.vision.projection_dim": (U32, 640)})
    check_mmproj_pair(model(tmp_path, "4B"), info)
    with pytest.raises(ModelFileError, match="made for a model 2560 wide"):
        check_mmproj_pair(model(tmp_path, "270M"), info, allow_text_only=True)


def test_pair_arguments_the_wrong_way_round(tmp_path: Path) -> None:
    text = model(tmp_path, "4B")
    projector = mmproj(tmp_path, projection_dim=2560)
    with pytest.raises(ModelFileError, match="is a vision projector"):
        check_mmproj_pair(projector, projector)
    with pytest.raises(ModelFileError, match="gemma3 model, not a vision projector"):
        check_mmproj_pair(text, text)


def test_invalid_projector_fails_the_pair(tmp_path: Path) -> None:
    bad = mmproj(tmp_path, projection_dim=2560, keys={"clip.projector_type": (STR, "idefics3")})
    with pytest.raises(ModelFileError, match="'idefics3', not 'gemma3'"):
        check_mmproj_pair(model(tmp_path, "4B"), bad)


@pytest.mark.model
def test_real_270m_with_a_projector(model_path: Path, tmp_path: Path) -> None:
    real = read_gguf_header(model_path)
    projector = mmproj(tmp_path)
    with pytest.raises(ModelFileError, match="text-only"):
        check_mmproj_pair(real, projector)
    check_mmproj_pair(real, projector, allow_text_only=True)
