"""What Hearth knows about the Gemma 3 family, and the checks a vision projector must pass.

The sizes come from the published configurations (google-deepmind/gemma ``Gemma3_*``, the HF
configs agree). Vision projector (``mmproj``) checks mirror what libmtmd assumes without checking:
a wrong shape there aborts the whole process inside native code, so it must be caught here first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from engine.errors import ModelFileError

if TYPE_CHECKING:
    from engine.model.gguf_header import GGUFInfo, TensorInfo

__all__ = [
    "GEMMA3_SIZES",
    "GEMMA3_SWA_PERIOD",
    "Gemma3Size",
    "ModelLimits",
    "check_mmproj_pair",
    "identify_gemma3",
    "model_limits",
    "size_label_for",
    "validate_mmproj",
]

GEMMA3_ARCHITECTURE: Final = "gemma3"
GEMMA3_PROJECTOR_TYPE: Final = "gemma3"
# Five sliding-window layers, then one global layer (llama.cpp: set_swa_pattern(6)).
GEMMA3_SWA_PERIOD: Final = 6
# Default pooling kernel of the Gemma 3 projector (clip.vision.projector.scale_factor overrides).
GEMMA3_POOL_KERNEL: Final = 4


@dataclass(frozen=True)
class Gemma3Size:
    """One member of the Gemma 3 family."""

    label: str
    block_count: int
    embedding_length: int
    feed_forward_length: int
    head_count: int
    head_count_kv: int
    head_dim: int
    sliding_window: int
    context_length: int
    vision: bool


GEMMA3_SIZES: Final = (
    Gemma3Size("270M", 18, 640, 2048, 4, 1, 256, 512, 32768, vision=False),
    Gemma3Size("1B", 26, 1152, 6912, 4, 1, 256, 512, 32768, vision=False),
    Gemma3Size("4B", 34, 2560, 10240, 8, 4, 256, 1024, 131072, vision=True),
    Gemma3Size("12B", 48, 3840, 15360, 16, 8, 256, 1024, 131072, vision=True),
    Gemma3Size("27B", 62, 5376, 21504, 32, 16, 128, 1024, 131072, vision=True),
)
_BY_SHAPE: Final[Mapping[tuple[int, int], Gemma3Size]] = {
    (size.embedding_length, size.block_count): size for size in GEMMA3_SIZES
}


@dataclass(frozen=True)
class ModelLimits:
    """What a text model can do.

    ``size`` is ``None`` for a Gemma 3 variant that is not one of the published sizes (e.g. a tiny
    test model); then ``vision`` is ``None`` (unknown) and the projector width check decides.
    """

    size: Gemma3Size | None
    max_context: int
    vision: bool | None

    @property
    def label(self) -> str | None:
        return self.size.label if self.size else None


def size_label_for(
    architecture: str, embedding_length: int | None, block_count: int | None
) -> str | None:
    """The family label ("270M" ... "27B") for a text model of this width and depth, if known."""
    if architecture != GEMMA3_ARCHITECTURE or embedding_length is None or block_count is None:
        return None
    size = _BY_SHAPE.get((embedding_length, block_count))
    return size.label if size else None


def identify_gemma3(info: GGUFInfo) -> Gemma3Size | None:
    """The published Gemma 3 size this model is, by embedding width and layer count."""
    if info.architecture != GEMMA3_ARCHITECTURE:
        return None
    if info.embedding_length is None or info.block_count is None:
        return None
    return _BY_SHAPE.get((info.embedding_length, info.block_count))


def model_limits(info: GGUFInfo) -> ModelLimits:
    """The context and modality limits of a text model.

    Raises:
        ModelFileError: ``info`` is a vision projector, or it states no context length and is
            not a known size.
    """
    name = info.path.name
    if info.is_mmproj:
        raise ModelFileError(
            f"{name} is a vision projector (mmproj), not a model; choose the main model file."
        )
    size = identify_gemma3(info)
    max_context = info.context_length or (size.context_length if size else None)
    if max_context is None:
        raise ModelFileError(f"{name} does not say how long a context it supports.")
    return ModelLimits(size=size, max_context=max_context, vision=size.vision if size else None)


def _trimmed(shape: tuple[int, ...]) -> tuple[int, ...]:
    """A ggml shape without trailing 1s, so [E] and [E, 1] compare equal."""
    end = len(shape)
    while end > 1 and shape[end - 1] == 1:
        end -= 1
    return shape[:end]


class _Mmproj:
    """Collects the checks of one projector file; raises on the first failure."""

    def __init__(self, info: GGUFInfo) -> None:
        self.info = info
        self.tensors = {tensor.name: tensor for tensor in info.tensors}

    def fail(self, reason: str) -> ModelFileError:
        return ModelFileError(
            f"{self.info.path.name} is not a usable Gemma 3 vision projector: {reason}."
        )

    def positive(self, key: str) -> int:
        value = self.info.metadata.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(f"its key {key} is missing or not a positive integer")
        return value

    def floats(self, key: str, count: int) -> None:
        value = self.info.metadata.get(key)
        if not isinstance(value, tuple) or len(value) < count:
            raise self.fail(f"its key {key} must hold at least {count} numbers")
        if not all(isinstance(v, float | int) and not isinstance(v, bool) for v in value):
            raise self.fail(f"its key {key} must hold numbers")

    def tensor(
        self, name: str, shape: tuple[int, ...], *, required: bool = True, f32: bool = False
    ) -> TensorInfo | None:
        tensor = self.tensors.get(name)
        if tensor is None:
            if required:
                raise self.fail(f"the tensor {name} is missing")
            return None
        if _trimmed(tensor.shape) != _trimmed(shape):
            raise self.fail(
                f"the tensor {name} has the shape {list(tensor.shape)}, expected {list(shape)}"
            )
        if f32 and tensor.type_name != "F32":
            raise self.fail(f"the tensor {name} is stored as {tensor.type_name}; it must be F32")
        return tensor


def validate_mmproj(info: GGUFInfo) -> None:
    """Check a Gemma 3 vision projector before libmtmd loads it.

    Checks the keys clip.cpp requires and every tensor's presence, shape and (for 1-D tensors and
    the position embedding) element type, since libmtmd aborts the process on a wrong shape.

    Raises:
        ModelFileError: the file is not a usable Gemma 3 projector; the message says why.
    """
    check = _Mmproj(info)
    if not info.is_mmproj:
        raise check.fail(f"it is a {info.architecture} model, not a vision projector (mmproj)")
    if not info.has_vision_encoder:
        raise check.fail("it has no vision encoder (clip.has_vision_encoder is not true)")
    if info.projector_type != GEMMA3_PROJECTOR_TYPE:
        found = repr(info.projector_type) if info.projector_type else "missing"
        raise check.fail(f"its projector type is {found}, not 'gemma3'")

    image = check.positive("clip.vision.image_size")
    patch = check.positive("clip.vision.patch_size")
    width = check.positive("clip.vision.embedding_length")
    ffn = check.positive("clip.vision.feed_forward_length")
    blocks = check.positive("clip.vision.block_count")
    heads = check.positive("clip.vision.attention.head_count")
    check.positive("clip.vision.projection_dim")
    eps = info.metadata.get("clip.vision.attention.layer_norm_epsilon")
    if not isinstance(eps, float) or not 0.0 < eps < 1.0:
        raise check.fail("its key clip.vision.attention.layer_norm_epsilon is missing or invalid")
    check.floats("clip.vision.image_mean", 3)
    check.floats("clip.vision.image_std", 3)
    if width % heads:
        raise check.fail(f"its width {width} is not divisible by its {heads} attention heads")
    if image % patch:
        raise check.fail(f"its image size {image} is not a multiple of its patch size {patch}")
    grid = image // patch
    kernel = GEMMA3_POOL_KERNEL
    if "clip.vision.projector.scale_factor" in info.metadata:
        kernel = check.positive("clip.vision.projector.scale_factor")
    if grid % kernel:
        raise check.fail(f"its {grid}x{grid} patch grid cannot be pooled by {kernel}")

    check.tensor("v.patch_embd.weight", (patch, patch, 3, width))
    check.tensor("v.patch_embd.bias", (width,), required=False, f32=True)
    check.tensor("v.position_embd.weight", (width, grid * grid), f32=True)
    for i in range(blocks):
        block = f"v.blk.{i}"
        for part in ("attn_q", "attn_k", "attn_v", "attn_out"):
            check.tensor(f"{block}.{part}.weight", (width, width))
            check.tensor(f"{block}.{part}.bias", (width,), required=False, f32=True)
        for norm in ("ln1", "ln2"):
            check.tensor(f"{block}.{norm}.weight", (width,), f32=True)
            check.tensor(f"{block}.{norm}.bias", (width,), required=False, f32=True)
        # Old files have fc1/fc2 the other way round; llama.cpp swaps them back when it sees
        # ffn_down.ne[0] == width, so accept that layout too (weights and biases swapped).
        down = check.tensors.get(f"{block}.ffn_down.weight")
        swapped = down is not None and ffn != width and _trimmed(down.shape) == (width, ffn)
        up_shape, down_shape = (
            ((ffn, width), (width, ffn)) if swapped else ((width, ffn), (ffn, width))
        )
        check.tensor(f"{block}.ffn_up.weight", up_shape)
        check.tensor(f"{block}.ffn_up.bias", (up_shape[1],), required=False, f32=True)
        check.tensor(f"{block}.ffn_down.weight", down_shape)
        check.tensor(f"{block}.ffn_down.bias", (down_shape[1],), required=False, f32=True)
    check.tensor("v.post_ln.weight", (width,), f32=True)
    check.tensor("v.post_ln.bias", (width,), required=False, f32=True)
    check.tensor("mm.soft_emb_norm.weight", (width,), f32=True)
    projection = check.tensors.get("mm.input_projection.weight")
    if projection is None:
        raise check.fail("the tensor mm.input_projection.weight is missing")
    if len(projection.shape) != 2 or projection.shape[1] != width:
        raise check.fail(
            f"the tensor mm.input_projection.weight has the shape {list(projection.shape)}, "
            f"expected [text width, {width}]"
        )
    for tensor in info.tensors:
        if len(_trimmed(tensor.shape)) == 1 and tensor.type_name != "F32":
            raise check.fail(
                f"the 1-D tensor {tensor.name} is stored as {tensor.type_name}; it must be F32"
            )


def check_mmproj_pair(model: GGUFInfo, mmproj: GGUFInfo, *, allow_text_only: bool = False) -> None:
    """Check that ``mmproj`` is a Gemma 3 vision projector that fits ``model``.

    Args:
        model: the text model.
        mmproj: the projector chosen for it.
        allow_text_only: accept a text-only size (270M/1B) when the widths match; only for test
            fixtures that pair a random projector with the small bundled model.

    Raises:
        ModelFileError: one sentence saying why the pair cannot be used.
    """
    if model.is_mmproj:
        raise ModelFileError(
            f"{model.path.name} is a vision projector (mmproj), not a model; "
            "choose the main model file as the model."
        )
    if not mmproj.is_mmproj:
        raise ModelFileError(
            f"{mmproj.path.name} is a {mmproj.architecture} model, not a vision projector "
            "(mmproj) file."
        )
    size = identify_gemma3(model)
    if size is not None and not size.vision and not allow_text_only:
        raise ModelFileError(
            f"Gemma 3 {size.label} is a text-only model, so it cannot use a vision projector; "
            "choose a 4B, 12B or 27B model to work with images."
        )
    validate_mmproj(mmproj)
    if mmproj.projection_dim != model.embedding_length:
        raise ModelFileError(
            f"{mmproj.path.name} was made for a model {mmproj.projection_dim} wide, but "
            f"{model.path.name} is {model.embedding_length} wide; use the mmproj file that "
            "belongs to this model."
        )
