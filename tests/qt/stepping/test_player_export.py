"""File ▸ Export Animation…: a PNG per step (and one before the first), and a GIF of them."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from gradviz.qt.stepping.animation_export import FRAME_NAME


@pytest.fixture
def logistic(window, run_and_wait):
    assert run_and_wait(window, lambda: window.load_lesson("logistic")) == "ok"
    return window


def test_export_writes_a_frame_per_step_and_a_gif_with_as_many_frames(logistic, tmp_path):
    st = logistic.step_through
    st.player.seek(5)
    files = st.export_animation(tmp_path / "frames")
    n = st.player.count + 1
    assert [p.name for p in files.frames] == [FRAME_NAME.format(i) for i in range(n)]
    assert sorted(p.name for p in (tmp_path / "frames").glob("frame_*.png")) == [FRAME_NAME.format(i) for i in range(n)]
    with Image.open(files.gif) as gif:
        assert gif.n_frames == n and gif.info["loop"] == 0
    with Image.open(files.frames[0]) as first:
        assert first.width > 200 and first.height > 200
    # The canvas is back where the player was, and the inspector still on its node.
    assert st.player.position == 5
    current = [i.node_id for i in logistic.graph_view.node_items.values() if i.highlight == "current"]
    assert current == [st.player.cursor.current.node_id]
    assert logistic.graph_view.selected_node_id == current[0]


def test_frames_differ_step_to_step(logistic, tmp_path):
    files = logistic.step_through.export_animation(tmp_path, gif=False)
    assert files.gif is None
    with Image.open(files.frames[0]) as first, Image.open(files.frames[1]) as second:
        assert first.size == second.size and first.convert("RGB").tobytes() != second.convert("RGB").tobytes()


def test_cancelling_stops_after_the_frame_in_progress(logistic, tmp_path):
    files = logistic.step_through.export_animation(tmp_path, progress=lambda done, total: done < 3)
    assert files.cancelled and len(files.frames) == 3 and files.gif is None
    assert logistic.step_through.player.position == -1
    assert not any(i.highlight for i in logistic.graph_view.node_items.values())


def test_the_menu_command_asks_for_a_folder_and_reports(logistic, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(tmp_path))
    st = logistic.step_through
    file_menu = next(a.menu() for a in logistic.menuBar().actions() if a.text().replace("&", "") == "File")
    assert st.export_animation_action in file_menu.actions()
    st.export_animation_action.trigger()
    assert len(list(tmp_path.glob("frame_*.png"))) == st.player.count + 1
    assert (tmp_path / "animation.gif").exists()
    assert "animation.gif" in logistic.message_bar.text()
