// The executable: argument handling and wiring only.
print("sluice")
