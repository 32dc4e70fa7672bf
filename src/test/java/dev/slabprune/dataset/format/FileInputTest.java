package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInputTest {

  @TempDir Path dir;

  @Test
  void everyReaderReadsFromFilePathsAsFromStreams() throws IOException {
    Path csv = copy("iris_sample.csv");
    Path images = copy("tiny-images-idx3-ubyte.gz");
    Path labels = copy("tiny-labels-idx1-ubyte");
    Path features = copy("features_f4.npy");
    Path classes = copy("labels_i8.npy");
    Path npz = copy("xy.npz");

    assertThat(new CsvDatasetReader().read(csv, CsvOptions.DETECT).rows()).isEqualTo(6);
    assertThat(new IdxDatasetReader().read(images, labels).rows()).isEqualTo(5);
    assertThat(new NpyDatasetReader().read(features, classes, null).rows()).isEqualTo(4);
    assertThat(new NpyDatasetReader().readNpz(npz, null).features()).isEqualTo(3);
  }

  private Path copy(String name) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, Resources.bytes(name));
    return file;
  }
}
