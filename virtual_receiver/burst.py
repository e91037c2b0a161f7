"""The real track-change burst of an Onkyo NS-6130, from the project's seed article (003).

A player that moves to the next track of an album sends about thirty messages over some
fourteen seconds. Each row is (seconds since the first message, message). ``{art_url}``
stands for the receiver's own album-art URL (the log had the device's LAN address).
"""

from typing import Final

TRACK_CHANGE_BURST: Final[tuple[tuple[float, str], ...]] = (
    (0.0, "NLU00080011"),
    (7.066, "NTI09-Roses Are Red.flac"),
    (7.07, "NAL"),
    (7.07, "NAT"),
    (7.07, "NDN"),
    (7.071, "NJA2-{art_url}"),
    (7.377, "NMSxxxxxS1f1"),
    (7.377, "NTR0009/0011"),
    (7.377, "NFI/44.1kHz/16bit"),
    (7.377, "NLTF1020000000B060002FF00Aquarium (1997)"),
    (7.452, "NLSC0P"),
    (7.455, "NLSU0-Happy Boys & Girls"),
    (7.462, "NLSU1-My Oh My"),
    (7.465, "NLSU2-Barbie Girl"),
    (7.468, "NLSU3-Good Morning Sunshine"),
    (
        7.488,
        'NLAX0002S000<?xml version="1.0" encoding="utf-8"?><response status="ok"><items offset="0" totalitems="11" ><item icontype="M" iconid="2d" title="Happy Boys &amp; Girls" selectable="1" /><item icontype="M" iconid="2d" title="My Oh My" selectable="1" /><item icontype="M" iconid="2d" title="Barbie Girl" selectable="1" /><item icontype="M" iconid="2d" title="Good Morning Sunshine" selectable="1" /><item icontype="M" iconid="2d" title="Doctor Jones" selectable="1" /><item icontype="M" iconid="2d" title="Heat Of The Night" selectable="1" /><item icontype="M" iconid="2d" title="Be A Man" selectable="1" /><item icontype="M" iconid="2d" title="Lollipop (Candyman)" selectable="1" /><item icontype="0" iconid="36" title="Roses Are Red" selectable="1" /><item icontype="M" iconid="2d" title="Turn Back Time" selectable="1" /><item icontype="M" iconid="2d" title="Calling You" selectable="1" /></items></response>',
    ),
    (9.425, "NTIRoses Are Red"),
    (9.446, "NJA2-{art_url}"),
    (9.976, "NALAquarium"),
    (9.976, "NATAqua"),
    (9.976, "NDN"),
    (9.976, "NMSxxxxxS1f1"),
    (9.976, "NTR0009/0011"),
    (9.976, "NFIFLAC/44.1kHz/16bit"),
    (9.976, "NLTF1020000000B060002FF00Aquarium (1997)"),
    (9.976, "NMSxxxxxS1f1"),
    (9.976, "NFIFLAC/44.1kHz/16bit"),
    (9.976, "NLTF1020000000B060002FF00Aquarium (1997)"),
    (14.543, "NMSxxxxxS1f1"),
    (14.547, "NFIFLAC/44.1kHz/16bit"),
    (14.588, "NLTF1020000000B060002FF00Aquarium (1997)"),
)
