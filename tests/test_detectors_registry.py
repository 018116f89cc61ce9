"""Every detector module is registered once, with a usable explanation."""

import pkgutil

from app.core import detectors
from app.core.detectors import BY_ID, DETECTORS, MODULES


def test_ids_are_unique():
    ids = [d.id for d in DETECTORS]
    assert len(ids) == len(set(ids))


def test_every_detector_module_is_registered():
    found = {m.name for m in pkgutil.iter_modules(detectors.__path__)} - {"base"}
    registered = {m.__name__.rsplit(".", 1)[-1] for m in MODULES}
    assert found == registered


def test_every_detector_explains_itself():
    for detector in DETECTORS:
        assert detector.id.isupper() and " " not in detector.id
        assert detector.summary.endswith("."), detector.id
        assert len(detector.explanation.split()) >= 20, detector.id
        assert BY_ID[detector.id] is detector
