"""What demo referrers write about a child, by kind of concern, with the ages each
text fits."""

from __future__ import annotations

from datetime import date

from referrals.models import ConcernCategory

# What a referrer writes, by worry, with the ages (in whole years) a child could be
# for it to make sense: nobody reports a toddler missing overnight with new trainers.
NARRATIVES = {
    ConcernCategory.NEGLECT: [
        (
            "{child} has come to school hungry most days this term and in the same clothes all week.",
            5,
            17,
        ),
        (
            "The health visitor found the home cold, with little food, and {child} in a soiled nappy.",
            0,
            2,
        ),
        (
            "Nursery staff say {child} often arrives unwashed, with nappy rash and no spare clothes.",
            1,
            4,
        ),
    ],
    ConcernCategory.PHYSICAL_ABUSE: [
        (
            "{child} has a bruise on the upper arm shaped like a grip and said '{adult} grabbed me'.",
            3,
            17,
        ),
        (
            "{child} arrived with a burn on the hand; the explanation given does not fit the injury.",
            0,
            17,
        ),
        (
            "{child}, a baby who is not yet crawling, was brought to A&E with bruising to the face.",
            0,
            0,
        ),
    ],
    ConcernCategory.EMOTIONAL_ABUSE: [
        ("{child} is withdrawn and says {adult} tells them they are stupid and unwanted.", 4, 17),
        (
            "The health visitor saw {adult} shout at {child} and refuse to comfort them when they cried.",
            0,
            3,
        ),
    ],
    ConcernCategory.SEXUAL_ABUSE: [
        (
            "{child} disclosed to a teaching assistant that an adult touched them in a way they did not like.",
            5,
            17,
        ),
        ("Nursery staff are worried by sexualised behaviour {child} has shown in play.", 2, 4),
    ],
    ConcernCategory.DOMESTIC_ABUSE: [
        (
            "Police attended a domestic incident at the home overnight; {child} was present and upset.",
            0,
            17,
        ),
        (
            "{adult} told the GP that their partner is controlling and has threatened them in front of {child}.",
            0,
            17,
        ),
    ],
    ConcernCategory.PARENTAL_MENTAL_HEALTH: [
        (
            "{adult} told the health visitor they are struggling with very low mood and cannot cope with {child}.",
            0,
            4,
        ),
        (
            "{adult} told the school they are struggling with very low mood; {child} has been getting themself to school.",
            5,
            17,
        ),
    ],
    ConcernCategory.SUBSTANCE_MISUSE: [
        (
            "{adult} appeared intoxicated when collecting {child} from nursery and was driving.",
            2,
            4,
        ),
        ("{adult} came to a school meeting about {child} smelling of alcohol and slurring.", 5, 17),
        ("Police found {adult} intoxicated at home, alone in charge of {child}.", 0, 17),
    ],
    ConcernCategory.MISSING_FROM_HOME: [
        (
            "{child} was reported missing overnight for the third time this month and returned with new trainers.",
            11,
            17,
        ),
    ],
    ConcernCategory.CHILD_EXPLOITATION: [
        (
            "{child} has been seen getting into cars with older men and has unexplained money and phones.",
            11,
            17,
        ),
    ],
    ConcernCategory.OTHER: [
        ("{child} is a young carer for {adult} and has missed a lot of school.", 8, 17),
        (
            "{adult} has missed {child}'s hospital appointments several times and does not answer calls.",
            0,
            17,
        ),
    ],
}


def narratives_for(category: str, age: int) -> list[str]:
    """The narratives of ``category`` that fit a child of ``age`` whole years."""
    return [text for text, youngest, oldest in NARRATIVES[category] if youngest <= age <= oldest]


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
