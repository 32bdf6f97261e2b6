"""``render`` encodes each DingTalk error once and adds the request_id as bytes; every answer it
gives is the one ``plain_render`` encodes from the dict, for every error the vendor can answer."""

import pytest

from chatsim.ids import IdGenerator
from chatsim.vendors.dingtalk import errors
from chatsim.vendors.dingtalk.errors import DingTalkError, TokenErrors, plain_render, render

CONSTANTS = [value for value in vars(errors).values() if isinstance(value, DingTalkError)]
MADE = [*(error for rules in errors.VIOLATIONS.values() for by_rule in rules.values() for error in by_rule.values()),
        errors.invalid_method("/topapi/a/b"), errors.invalid_method("/topapi/x", "not implemented by chatsim: "),
        *(errors.token_error(topapi, state, TokenErrors(42001, 40001, "42001"))
          for topapi in (True, False) for state in ("blank", "invalid", "expired")),
        errors.permission_error(True, None), DingTalkError(7, 'quote " backslash \\ 中文 \n', "s\"", "m\\")]  # type: ignore[arg-type]


@pytest.mark.parametrize("topapi", [True, False])
def test_render_answers_what_the_dict_encodes(topapi: bool):
    assert len(CONSTANTS) > 10
    fast, plain = IdGenerator(3, "t"), IdGenerator(3, "t")
    for _ in range(3):  # the first answer encodes, the later ones reuse
        for error in [*CONSTANTS, *MADE]:
            request_id = plain.request_id() if topapi else ""
            assert render(error, topapi, fast) == plain_render(error, topapi, request_id), error
