"""Export the player's steps as a numbered PNG frame sequence and, with Pillow, an animated GIF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from gradviz.core.i18n import translate
from gradviz.qt.theme import node_colors

#: Longest side of a PNG frame, in pixels; small graphs are drawn at up to ``MAX_SCALE``.
MAX_FRAME_SIDE = 1800
MAX_SCALE = 2.0
#: GIF frames are smaller: every frame is kept in memory until the file is written.
MAX_GIF_SIDE = 720
CAPTION_HEIGHT = 40
FRAME_NAME = "frame_{:04d}.png"


@dataclass
class AnimationFiles:
    """What an export wrote: the PNG frames in order, the GIF (None without Pillow)."""

    folder: Path
    frames: list[Path] = field(default_factory=list)
    gif: Path | None = None
    cancelled: bool = False
    gif_error: str = ""


def frame_scale(rect: QRectF, max_side: int = MAX_FRAME_SIDE) -> float:
    """Pixels per scene point for a frame of ``rect``: as big as ``MAX_SCALE`` allows, within ``max_side``."""
    longest = max(rect.width(), rect.height(), 1.0)
    return min(MAX_SCALE, max_side / longest)


def render_frame(scene: QGraphicsScene, caption: str, theme: str = "light") -> QImage:
    """The whole scene as an image, with ``caption`` in a band across the top."""
    rect = scene.sceneRect()
    scale = frame_scale(rect)
    # Even sizes: video encoders fed these frames (ffmpeg -i frame_%04d.png) insist on them.
    width = int(rect.width() * scale + 1) // 2 * 2
    height = int(rect.height() * scale + CAPTION_HEIGHT + 1) // 2 * 2
    image = QImage(width, height, QImage.Format.Format_RGB32)
    colors = node_colors(theme)
    image.fill(QColor(colors["background"]))
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, CAPTION_HEIGHT, width, height - CAPTION_HEIGHT), rect,
                     Qt.AspectRatioMode.KeepAspectRatio)
        font = QFont()
        font.setPixelSize(18)
        painter.setFont(font)
        painter.setPen(QColor(colors["node_text"]))
        painter.drawText(QRectF(12, 0, width - 24, CAPTION_HEIGHT),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, caption)
    finally:
        painter.end()
    return image


def export_frames(scene: QGraphicsScene, positions: Sequence[int], show: Callable[[int], str], folder: Path,
                  theme: str = "light", frame_ms: int = 500, gif: bool = True,
                  progress: Callable[[int, int], bool] | None = None) -> AnimationFiles:
    """Write one PNG per position (``frame_0000.png`` …) and an animated GIF of them.

    Parameters
    ----------
    scene : QGraphicsScene
        The canvas's drawing; rendered directly, so the view's zoom does not matter.
    positions : sequence of int
        Player positions, one frame each (−1 is the plain graph).
    show : callable
        ``show(position)`` puts the marks of ``position`` on the scene and returns the caption.
    folder : Path
        Where the files go (made if missing); frames already there are overwritten.
    frame_ms : int
        How long each GIF frame stays up.
    gif : bool
        Also write ``animation.gif`` when Pillow can be imported.
    progress : callable, optional
        ``progress(done, total)`` after each frame; returning False cancels.

    Returns
    -------
    AnimationFiles
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = AnimationFiles(folder)
    total = len(positions)
    for i, position in enumerate(positions):
        caption = show(position)
        path = folder / FRAME_NAME.format(i)
        if not render_frame(scene, caption, theme).save(str(path), "PNG"):
            raise OSError(translate("animation_export", "could not write {path}").format(path=path))
        files.frames.append(path)
        if progress is not None and not progress(i + 1, total):
            files.cancelled = True
            return files
    if gif and files.frames:
        try:
            files.gif = write_gif(files.frames, folder / "animation.gif", frame_ms)
        except ImportError:
            files.gif_error = translate("animation_export",
                                        "Pillow is not installed, so no GIF was written (the PNG frames were).")
    return files


def write_gif(frames: Sequence[Path], path: Path, frame_ms: int) -> Path:
    """Join PNG ``frames`` into a looping GIF at ``path`` (raises ImportError without Pillow)."""
    from PIL import Image

    images = []
    for frame in frames:
        with Image.open(frame) as im:
            rgb = im.convert("RGB")
        rgb.thumbnail((MAX_GIF_SIDE, MAX_GIF_SIDE))
        # One adaptive palette per frame: the pale fills and the blue/orange marks keep their hues.
        images.append(rgb.quantize(colors=255, method=Image.Quantize.MEDIANCUT))
    images[0].save(path, save_all=True, append_images=images[1:], duration=frame_ms, loop=0, optimize=False)
    return path
