package io.microcdi.cdi.stream;

import io.microcdi.annotation.Service;

import java.util.concurrent.Flow;

/** Takes a stream of requests but answers synchronously: it could only block. */
@Service
public class BadStreamService {

    public String sum(Flow.Publisher<String> in) {
        return "";
    }
}
