package io.microcdi.codec.proto;

/**
 * Whether protobuf-java is on the class path; the protobuf codecs' providers ask before they touch it.
 *
 * <pre>{@code
 * return Protobuf.present(getClass()) ? new ProtoCodec() : null;
 * }</pre>
 */
public final class Protobuf {

    private Protobuf() {
    }

    /** Whether {@code com.google.protobuf.MessageLite} loads from the class loader of {@code user}. */
    public static boolean present(Class<?> user) {
        try {
            Class.forName("com.google.protobuf.MessageLite", false, user.getClassLoader());
            Class.forName("com.google.protobuf.CodedOutputStream", false, user.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
