"""What the invoke tasks do, as plain typed functions (tasks stay thin; tests call these)."""
