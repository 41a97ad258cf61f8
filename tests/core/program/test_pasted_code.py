"""Code as students paste it: copied with its line numbers, typed with a Chinese input method."""

from __future__ import annotations

import pytest

from gradviz.core.program.errors import ProgramError
from gradviz.core.program.language import parse
from gradviz.core.program.pasted import NUMBERS, PROMPTS, cleaned_paste, without_line_numbers, without_prompts

# As the tutorials print a block (numbers right-aligned to the widest), copied with them.
PAGE = (" 1import torch\n 2\n 3x = torch.tensor(2.0, requires_grad=True)\n 4for i in range(2):\n"
        " 5    x = x * 2\n 6y = x ** 2\n 7\n 8y.backward()\n 9print(x.grad)\n10loss = y\n")
CLEAN = ("import torch\n\nx = torch.tensor(2.0, requires_grad=True)\nfor i in range(2):\n    x = x * 2\n"
         "y = x ** 2\n\ny.backward()\nprint(x.grad)\nloss = y\n")


def test_a_numbered_block_loses_its_numbers_and_keeps_its_indents():
    assert without_line_numbers(PAGE) == CLEAN


@pytest.mark.parametrize("separator", [" ", "\t"])
def test_a_separator_after_the_numbers_goes_too(separator):
    text = "".join(f"{k}{separator}{line}\n" if line else f"{k}\n"
                   for k, line in enumerate(CLEAN.splitlines(), start=1))
    assert without_line_numbers(text) == CLEAN


def test_a_block_copied_from_its_middle_counts_on_from_its_first_number():
    assert without_line_numbers("7a = 1\n8b = a + 2\n9") == "a = 1\nb = a + 2\n\n"


def test_the_expected_number_is_taken_not_every_digit():
    # Line 3 is "1 + 2" behind its number, not "31" behind nothing.
    assert without_line_numbers("1a = 2\n2b = 3\n31 + 2\n") == "a = 2\nb = 3\n1 + 2\n"


@pytest.mark.parametrize("text", [
    CLEAN,  # no numbers
    "1\n2\n3\n",  # numbers that are the program (it parses as it is)
    "x = [\n1,\n2]\n",  # a program whose lines begin with numbers
    "1import torch\n3x = 1\n",  # not one more each line
    "1import torch\nx = 1\n",  # a line without its number
    "1import torch\n",  # one line: too little to tell
    "1import torch\n2x = = 1\n",  # still not Python without the numbers
    "",
])
def test_anything_else_is_left_alone(text):
    assert without_line_numbers(text) is None


@pytest.mark.parametrize(("line", "char", "twin"), [
    ("x = torch.tensor([1.0，2.0])", "，", ","),
    ("x = torch.tensor（[1.0])", "（", "("),
    ("print(“hi”)", "“", '"'),
    ("y = 1；", "；", ";"),
    ("z = [1。5]", "。", "."),
])
def test_a_character_of_a_chinese_input_method_is_named_with_its_ascii_twin(line, char, twin):
    with pytest.raises(ProgramError) as caught:
        parse(line + "\n")
    message = caught.value.message
    assert message.startswith("syntax error: invalid character") and caught.value.line == 1
    assert f"'{char}' stands for '{twin}'" in message and caught.value.col == line.index(char) + 1


@pytest.mark.parametrize("space", ["\u3000", "\u00a0"])
def test_a_wide_or_no_break_space_is_named(space):
    with pytest.raises(ProgramError) as caught:
        parse(f"x = 1\n{space}y = 2\n")
    assert "type an ordinary space" in caught.value.message and caught.value.line == 2


def test_a_character_with_no_ascii_twin_gets_python_s_words_only():
    with pytest.raises(ProgramError) as caught:
        parse("x = 1 € 2\n")
    assert caught.value.message == "syntax error: invalid character '€' (U+20AC)"


# As PyTorch's documentation shows an example: prompts, a continuation, and what was printed.
SESSION = """>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> for i in range(2):
...     x = x * 3
...
>>> y = (x ** 2).sum()
>>> y
tensor(405., grad_fn=<SumBackward0>)
>>> y.backward()
"""
SESSION_CODE = ("x = torch.tensor([1.0, 2.0], requires_grad=True)\nfor i in range(2):\n    x = x * 3\n\n"
                "y = (x ** 2).sum()\ny\ny.backward()\n")


def test_a_prompt_session_keeps_its_code_and_drops_what_it_printed():
    assert without_prompts(SESSION) == SESSION_CODE
    assert without_prompts("    >>> a = 1\n    >>> a + 1\n    2\n") == "a = 1\na + 1\n"  # a docstring's indent


@pytest.mark.parametrize("text", [
    SESSION_CODE,  # plain code
    "print('>>> not a prompt')\n",  # Python as it is
    ">>> x = = 1\n",  # still not Python
    "tensor([1., 2.])\n>>>\n",  # no code at all
])
def test_anything_that_is_not_a_session_is_left_alone(text):
    assert without_prompts(text) is None


def test_a_paste_is_cleaned_of_numbers_or_prompts_and_says_which():
    assert cleaned_paste(PAGE) == (CLEAN, NUMBERS)
    assert cleaned_paste(SESSION) == (SESSION_CODE, PROMPTS)
    assert cleaned_paste(CLEAN) is None


def test_a_session_run_as_it_is_says_what_to_keep():
    with pytest.raises(ProgramError) as caught:
        parse(SESSION)
    assert caught.value.line == 1 and "session of Python's prompt (>>>)" in caught.value.message


def test_a_printed_tensor_pasted_as_code_is_named_as_output():
    from gradviz.core.program.interpreter import run_program

    with pytest.raises(ProgramError) as caught:
        run_program("x = torch.ones(2)\ntensor([1, 2, 3])\n")
    assert caught.value.line == 2 and caught.value.kind == "runtime"
    assert "name 'tensor' is not defined: tensor(...) is how PyTorch prints a tensor" in caught.value.message
    with pytest.raises(ProgramError) as other:
        run_program("y = x + 1\n")
    assert other.value.message.endswith("(gradviz programs see torch, F, nn, math and the names they assign)")
