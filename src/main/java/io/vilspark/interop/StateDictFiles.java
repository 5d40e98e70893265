package io.vilspark.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * Reads a state_dict from a PyTorch zip checkpoint or a safetensors file, recognised by content (not
 * by file name), and gives its keys the {@code VisionLSTM2} names ({@link OfficialKeyNames}).
 */
public final class StateDictFiles {

    private StateDictFiles() {
    }

    public static LinkedHashMap<String, Tensor> read(Path path) throws IOException {
        String source = path.toString();
        LinkedHashMap<String, Tensor> stateDict = switch (formatOf(path, source)) {
            case TORCH_ZIP -> TorchCheckpointReader.readStateDict(path);
            case SAFETENSORS -> SafetensorsFile.read(path);
        };
        return OfficialKeyNames.toVisionLstm2Names(stateDict, source);
    }

    private enum Format { TORCH_ZIP, SAFETENSORS }

    private static Format formatOf(Path path, String source) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(16);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return Format.TORCH_ZIP;
        }
        if (head.length >= 9 && head[8] == '{') {
            return Format.SAFETENSORS;
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            throw new CheckpointFormatException(source, "this is a bare pickle (the legacy torch.save format "
                    + "before torch 1.6, or _use_new_zipfile_serialization=False), which is not supported; "
                    + "re-save it with a current torch.save");
        }
        if (head.length >= 6 && (head[0] & 0xFF) == 0x93 && head[1] == 'N' && head[2] == 'U') {
            throw new CheckpointFormatException(source, "this is a .npy array, not a state_dict");
        }
        throw new CheckpointFormatException(source, "neither a PyTorch zip checkpoint (.th/.pth) nor a "
                + ".safetensors file");
    }
}
