/// RestFallback: Kalshi REST reference data and WebSocket streams, never on the FIX hot path.
///
/// Status: not yet implemented; this target exists so the layering builds. See docs/STATUS.md
/// and issue "RestFallback".
enum RestFallbackModule {}
