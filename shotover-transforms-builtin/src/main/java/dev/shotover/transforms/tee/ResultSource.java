package dev.shotover.transforms.tee;

/**
 * Which chain's responses a {@link Tee} returns to the client. Switched at run time through the HTTP API
 * ({@link ResultSourceHttpApi}); every connection of the Tee follows the switch from its next batch on.
 */
public enum ResultSource {
    /** The rest of the Tee's own chain (the down-chain). The default. */
    REGULAR_CHAIN("regular-chain"),
    /** The Tee's sub-chain. */
    TEE_CHAIN("tee-chain");

    private final String text;

    ResultSource(String text) {
        this.text = text;
    }

    /** The name used by the HTTP API: {@code regular-chain} or {@code tee-chain}. */
    public String text() {
        return text;
    }

    /** The result source named {@code text} (exactly, after trimming whitespace), or null when there is none. */
    public static ResultSource parse(String text) {
        String trimmed = text.strip();
        for (ResultSource source : values()) {
            if (source.text.equals(trimmed)) {
                return source;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
