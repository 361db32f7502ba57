import os
import sys

# Tests import their support module by name, from this folder.
sys.path.insert(0, os.path.dirname(__file__))
