package io.microcdi.broker.delivery;

/** The two readers of {@link BrokerJson} one by one, for tests outside its package (the fuzz targets). */
public final class BrokerJsonAccess {

    private BrokerJsonAccess() {
    }

    public static BrokerJson.Decoded goShape(byte[] json, String extractKey) {
        return BrokerJson.decodeGoShape(json, extractKey);
    }

    public static BrokerJson.Decoded anyShape(byte[] json, String extractKey) throws BrokerJson.MalformedException {
        return BrokerJson.decodeAnyShape(json, extractKey);
    }
}
