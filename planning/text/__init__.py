"""Vietnamese text: NFC, tone-mark-insensitive keys, diacritic folding, legacy encodings (TCVN3, VNI)."""
