import FixCodec
print("Bench: usage: Bench codec [--json]")
