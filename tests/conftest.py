import os
import sys

# Tests import their support module by name, from this folder.
sys.path.insert(0, os.path.dirname(__file__))

import pytest
from registers import file_register
from support import MemoryRegister


@pytest.fixture(params=["memory", "xlsx"])
def register_of(request, tmp_path):
    """Makes a register from rows on each backend; transition tests run on all of them."""
    if request.param == "memory":
        return MemoryRegister.of
    return file_register(tmp_path)
