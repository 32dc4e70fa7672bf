package dev.slabprune.dataset;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

interface DatasetRepository extends JpaRepository<DatasetEntity, UUID> {

  Optional<DatasetEntity> findByIdAndOwner(UUID id, String owner);

  Page<DatasetEntity> findByOwner(String owner, Pageable pageable);
}
