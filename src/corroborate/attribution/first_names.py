"""Common given names by the gender they usually mark, for pronoun agreement in
:mod:`corroborate.attribution.speakers` ("Hillary Clinton ... she"). A name in neither list, or one that
is common for both, leaves a person's gender open: any personal pronoun may then refer to them."""

from __future__ import annotations

from corroborate.words import word_set

MALE_NAMES: frozenset[str] = word_set(
    """aaron adam adrian al alan albert alex alexander andrew andy angus anthony antonio arthur barack ben
    benjamin bernie bill billy bob bobby brad bradley brandon brett brian bruce bryan carl carlos charles
    charlie chris christopher chuck clarence colin craig dan daniel darrell dave david dennis dick don donald
    doug douglas duncan dwight ed eddie edward elijah eric ernest eugene frank fred frederick gary gavin gene
    george gerald glenn gordon greg gregory harold harry henry herbert howard hugh ian jack jacob jake james
    jared jason jeb jeff jeffrey jeremy jerry jim jimmy joe joel john johnny jon jonathan jordan jose joseph
    josh joshua juan julian justin keith ken kenneth kevin kurt larry lawrence lee leon lindsey louis luis
    luke marco mark martin matt matthew michael mike mitch mitt mohammed muhammad nathan neil newt nicholas
    nick nigel noah norman oliver orrin pat patrick paul pete peter phil philip ralph randy ray raymond reince
    richard rick robert rod roger ron ronald rudy russell ryan sam samuel scott sean sergei seth sherrod
    stephen steve steven stuart ted terry thomas tim timothy todd tom tony trey vladimir walter wayne william
    willie xi"""
)

FEMALE_NAMES: frozenset[str] = word_set(
    """abigail alice alicia alison amanda amy andrea angela ann anna anne barbara betsy betty beverly
    bonnie brenda carly carol caroline catherine cathy chelsea cheryl christina christine claire debbie
    deborah debra denise diana diane donna dorothy elizabeth ellen emily emma erin gennifer gillian gina
    hannah heather helen hillary hope huma ivanka jane janet janice jean jeanne jennifer jessica jill joan
    joanna jodi josephine joy joyce judith judy julia julie karen kate katherine kathleen kathy katie
    kellyanne kelly kim kimberly kirsten laura lauren linda lisa lois loretta lynn maggie margaret maria
    marie marsha martha mary maxine megan meghan melania melissa michelle mika nancy natalie nicole nikki
    olivia pam pamela patricia patty paula peggy rachel rebecca rosa rose ruth sally samantha sandra sara
    sarah sharon sheila shirley sophie stephanie sue susan susana suzanne tammy teresa theresa tiffany
    tina valerie victoria virginia wendy"""
)
