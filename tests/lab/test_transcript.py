from quizapp.lab.probe.transcript import LINE_LIMIT, Transcript, clean_text, render


def test_control_and_bidi_characters_are_removed():
    text = clean_text(b"\x1b[31mred\x1b[0m \x00nul \xe2\x80\xae evil\x07")

    assert text == "[31mred[0m nul  evil"


def test_invalid_utf8_is_replaced_not_fatal():
    assert clean_text(b"caf\xe9") == "caf\ufffd"


def test_long_text_is_truncated_with_an_ellipsis():
    text = clean_text("x" * 1000)

    assert len(text) == LINE_LIMIT
    assert text.endswith("…")


def test_notes_keep_their_code_and_cleaned_parameters():
    transcript = Transcript()

    transcript.note("tls_failed", detail="bad\x1b[0m thing")

    line = transcript.lines[0]
    assert (line.direction, line.note) == ("*", "tls_failed")
    assert line.params == {"detail": "bad[0m thing"}
    assert "bad[0m thing" in line.text


def test_render_shows_lines_like_telnet_with_tls_marked():
    transcript = Transcript()
    transcript.server("220 ready")
    transcript.client("STARTTLS")
    transcript.client("EHLO facteur.invalid", tls=True)

    assert render(transcript.lines).splitlines() == [
        "S: 220 ready",
        "C: STARTTLS",
        "[TLS] C: EHLO facteur.invalid",
    ]
