package io.microcdi.registry.gossip;

import io.scalecube.cluster.transport.api.Message;
import io.scalecube.cluster.transport.api.MessageCodec;

import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/**
 * scalecube's message encoding (Java serialization of its {@code Externalizable} protocol messages), read through an
 * allow-list: only scalecube's own classes, strings, boxed numbers, enums and arrays of bytes deserialize.
 *
 * <pre>{@code
 * clusterConfig.transport(t -> t.messageCodec(new FilteredMessageCodec()))
 * }</pre>
 *
 * <p>Java serialization of untrusted bytes can run any gadget on the class path; scalecube's default codec reads
 * whatever arrives. With the filter, a frame naming another class fails to decode and is dropped. (With a secret,
 * frames are authenticated before they reach this codec at all.)
 */
final class FilteredMessageCodec implements MessageCodec {

    /** What scalecube's membership, failure detector, gossip and metadata messages are made of. */
    static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=16;maxrefs=100000;maxarray=67108864;"
                    + "io.scalecube.**;java.lang.String;java.lang.Enum;java.lang.Number;java.lang.Long;"
                    + "java.lang.Integer;java.lang.Boolean;[B;!*");

    @Override
    public Message deserialize(InputStream stream) throws Exception {
        Message message = new Message();
        try (ObjectInputStream in = new ObjectInputStream(stream)) {
            in.setObjectInputFilter(FILTER);
            message.readExternal(in);
        }
        return message;
    }

    @Override
    public void serialize(Message message, OutputStream stream) throws Exception {
        try (ObjectOutputStream out = new ObjectOutputStream(stream)) {
            message.writeExternal(out);
            out.flush();
        }
    }
}
