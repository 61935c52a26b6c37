"""The service helpers every app uses."""



def test_a_long_reason_is_cut_to_fit_the_history_with_an_ellipsis():
    from selfdirect.core.services import HISTORY_REASON_LIMIT, history_reason

    assert history_reason("Answer  recorded\n") == "Answer recorded"
    long = "Employing Personal assistant (weekdays), Personal assistant (weekends) costs " * 3
    cut = history_reason(long)
    assert len(cut) <= HISTORY_REASON_LIMIT and cut.endswith("…")
    assert long.startswith(cut[:-1])
